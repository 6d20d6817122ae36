// What the run report costs on a big plan, through the built CLI (packages/cli/dist/main.js) and Debian's Chromium:
// the time `hypervisor report` takes, the size of the page, and how the page behaves once open (load, layout, the
// first tooltip, a click on a graph node). A benchmark, not a test: it prints markdown tables for BENCHMARKS.md.
//   npx nx run-many -t build && node bench/report.mjs [--phases 1000] [--workers 4] [--runs 3] [--keep]
// Everything it writes goes under one temporary folder, removed at the end unless --keep.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, parseBenchOptions, writePlan } from './peer-fixtures.mjs';
import { randomDag, seededRandom } from './random-dag.mjs';

const USAGE = `Usage: node bench/report.mjs [options]

Runs a random plan of no-op phases (\`run: "true"\`), then times \`hypervisor report\` on it and opens the page in
headless Chromium (CHROMIUM_PATH, or Debian's /usr/bin/chromium): load, the first hover tooltip, a click on a graph
node. Prints markdown tables. Needs the built CLI and Chromium.

Options:
  --phases <n>    phases in the plan (default: 1000)
  --workers <n>   workers of the run (default: 4)
  --runs <n>      timed runs of \`hypervisor report\` and page loads; the median is reported (default: 3)
  --seed <n>      seed of the random plan (default: 7)
  --max-deps <n>  most dependencies of a phase (default: 3)
  --window <n>    how far back, in phases, most dependencies reach (default: 40); far-reaching ones make the
                  graph too costly for dagre, which the page then draws in columns
  --keep          keep the temporary folder
  -h, --help      print this help`;

const OPTIONS = {
  phases: { type: 'string', default: '1000' },
  workers: { type: 'string', default: '4' },
  runs: { type: 'string', default: '3' },
  seed: { type: 'string', default: '7' },
  'max-deps': { type: 'string', default: '3' },
  window: { type: 'string', default: '40' },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};
const { values, integer: positive } = parseBenchOptions(USAGE, OPTIONS);
const phases = positive('phases');
const workers = positive('workers');
const runs = positive('runs');
const seed = positive('seed');
const maxDeps = positive('max-deps');
const window = positive('window');

const cli = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing; build first: npx nx run-many -t build`);
  process.exit(1);
}
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`bench: no Chromium at ${chromium}: apt-get install chromium, or set CHROMIUM_PATH`);
  process.exit(1);
}
const { default: puppeteer } = await import('puppeteer-core');

/** Runs the built CLI, failing the benchmark when it does not end with `expected`. */
function hypervisor(args, cwd, expected = 0) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== expected) {
    console.error(`bench: hypervisor ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
    process.exit(1);
  }
  return result;
}

const ms = (value) => `${Math.round(value)} ms`;
const scratch = mkdtempSync(join(tmpdir(), 'kazuba-bench-report-'));
try {
  const dag = randomDag(seededRandom(seed), { phases, maxDeps, window });
  const planDir = join(scratch, 'plan');
  writePlan(planDir, dag);
  const edges = dag.reduce((sum, phase) => sum + phase.dependsOn.length, 0);
  console.error(`bench: running ${phases} phases (${edges} edges) at -j ${workers}...`);
  const started = performance.now();
  hypervisor(['run', 'plan', '-j', String(workers), '--mode', 'parallel'], scratch);
  const runMs = performance.now() - started;

  const writeTimes = [];
  let file = '';
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    file = join(scratch, hypervisor(['report', 'plan'], scratch).stdout.trim());
    writeTimes.push(performance.now() - t0);
  }
  const bytes = statSync(file).size;

  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const loads = [];
  const tips = [];
  const clicks = [];
  let counts;
  let metrics;
  let errors = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      const t0 = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      loads.push(performance.now() - t0);
      counts = await page.evaluate(() => ({
        bars: document.querySelectorAll('#timeline [data-phase-id][data-attempt]').length,
        nodes: document.querySelectorAll('#graph [data-phase-id]').length,
        rows: document.querySelectorAll('#phases tbody tr').length,
        elements: document.getElementsByTagName('*').length,
        graph: (/too big to route its edges quickly \(([^)]*)\)/.exec(document.querySelector('#graph').textContent) ?? [])[1],
      }));
      const bar = '#timeline [data-phase-id][data-attempt]';
      await page.$eval(bar, (element) => element.scrollIntoView({ block: 'center', inline: 'center' }));
      const t1 = performance.now();
      await page.hover(bar);
      await page.waitForFunction(() => !document.getElementById('tip').hidden);
      tips.push(performance.now() - t1);
      const node = `#graph [data-phase-id="${dag[dag.length - 1].id}"]`;
      await page.$eval(node, (element) => element.scrollIntoView({ block: 'center', inline: 'center' }));
      const t2 = performance.now();
      await page.click(node);
      await page.waitForFunction((id) => location.hash === `#phase-${id}`, {}, dag[dag.length - 1].id);
      clicks.push(performance.now() - t2);
      metrics = await page.metrics();
      await page.close();
    }
  } finally {
    await browser.close();
  }

  console.log(`\nRun report of ${phases} no-op phases (${edges} dependency edges), run at -j ${workers} in ${ms(runMs)}; ${cpus().length} cores, ${await browserVersion()}.\n`);
  console.log('| Measure | Median of ' + runs + ' |');
  console.log('|---|---|');
  console.log(`| \`hypervisor report\` (whole command: start, read events, lay out, write) | ${ms(median(writeTimes))} |`);
  console.log(`| report.html size | ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes.toLocaleString('en')} bytes) |`);
  console.log(`| page load in Chromium (navigation to the load event) | ${ms(median(loads))} |`);
  console.log(`| first tooltip after a hover | ${ms(median(tips))} |`);
  console.log(`| click on a graph node to its row shown | ${ms(median(clicks))} |`);
  console.log(`| graph drawn | ${counts.graph === undefined ? 'laid out by dagre' : `in columns (${counts.graph})`} |`);
  console.log(`| DOM elements; bars, graph nodes, table rows | ${counts.elements.toLocaleString('en')}; ${counts.bars}, ${counts.nodes}, ${counts.rows} |`);
  console.log(`| Chromium: layout time, script time, JS heap used (last load) | ${ms(metrics.LayoutDuration * 1000)}, ${ms(metrics.ScriptDuration * 1000)}, ${(metrics.JSHeapUsedSize / 1024 / 1024).toFixed(1)} MB |`);
  console.log(`| console errors | ${errors.length === 0 ? 'none' : errors.join('; ')} |`);
  console.log(`\nCommand: node bench/report.mjs --phases ${phases} --workers ${workers} --runs ${runs} --seed ${seed} --max-deps ${maxDeps} --window ${window}`);

  async function browserVersion() {
    const result = spawnSync(chromium, ['--version'], { encoding: 'utf8' });
    return result.stdout.trim() || 'Chromium';
  }
} finally {
  if (values.keep) console.error(`bench: kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
