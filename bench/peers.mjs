// The hypervisor against real peers, end to end, through the built CLI (packages/cli/dist/main.js). A benchmark,
// not a test: it prints markdown tables (medians and ratios) and the exact commands it timed, for BENCHMARKS.md.
//   npx nx run-many -t build && node bench/peers.mjs [--only overhead,quality,startup,resume,memory,scale]
//     [--phases 300] [--runs 5] [--seed 42] [--resume-phases 10000] [--scale 100,300,1000,3000] [--scale-runs 3]
//     [--no-hyperfine] [--no-nx] [--keep]
// `scale` is not in the default --only: it takes minutes (3,000 phases a run).
// Everything it writes goes under one temporary folder, removed at the end unless --keep.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { has, median, quote, timeCommand, writeMakefile, writeNxWorkspace, writePlan } from './peer-fixtures.mjs';
import { loadCore, randomDag, seededRandom } from './random-dag.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'overhead,quality,startup,resume,memory' },
    phases: { type: 'string', default: '300' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    'resume-phases': { type: 'string', default: '10000' },
    scale: { type: 'string', default: '100,300,1000,3000' },
    'scale-runs': { type: 'string', default: '3' },
    'no-hyperfine': { type: 'boolean', default: false },
    'no-nx': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const only = new Set(values.only.split(','));
const runs = Number(values.runs);
const seed = Number(values.seed);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'packages/cli/dist/main.js');
const BUILD = 'npx nx run-many -t build --outputStyle=static';
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing. Build first with\n  ${BUILD}`);
  process.exit(1);
}
const useHyperfine = !values['no-hyperfine'] && has('hyperfine');
const work = mkdtempSync(join(tmpdir(), 'hypervisor-peers-'));
const hypervisor = (...args) => ['node', cli, ...args];
const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
/** Commands as printed: the scratch folder as $SCRATCH, repository paths relative to the repository root. */
const printable = (command) => command.replaceAll(work, '$SCRATCH').replaceAll(`${repo}/`, '');
const printCommand = (label, command) => console.log(`- ${label}: \`${printable(command)}\``);

const version = spawnSync('node', [cli, '--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`# hypervisor against its peers\n`);
console.log(`${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ` +
  `Node ${process.version}, hypervisor ${version}; timing by ${useHyperfine ? spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).stdout.trim() : 'Node (performance.now around spawnSync)'}. ` +
  `Commands run from the repository root; $SCRATCH is a temporary folder (${work}).\n`);

try {
  if (only.has('overhead')) overhead();
  if (only.has('quality')) quality();
  if (only.has('startup')) startup();
  if (only.has('resume')) await resume();
  if (only.has('memory')) await memory();
  if (only.has('scale')) await scale();
} finally {
  if (values.keep) console.log(`\n(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

/** 1. The same seeded DAG of `true` phases through hypervisor run -j 2, make -j 2 and nx run-many --parallel=2. */
function overhead() {
  const phases = Number(values.phases);
  const dag = randomDag(seededRandom(seed), { phases });
  const edges = dag.reduce((sum, phase) => sum + phase.dependsOn.length, 0);
  const dir = join(work, 'overhead');
  const plan = join(dir, 'plan');
  writePlan(plan, dag);
  writeMakefile(join(dir, 'Makefile'), dag);
  writeMakefile(join(dir, 'Makefile.sh'), dag, { shell: true });
  console.log(`## 1. Scheduling overhead end to end\n`);
  console.log(`${phases} phases, ${edges} dependencies (randomDag, seed ${seed}); every phase runs \`true\`; 2 at a time; median of ${runs} runs after 1 warm-up.\n`);

  const rows = [];
  const ours = timeCommand({
    argv: hypervisor('run', plan, '-j', '2', '--mode', 'parallel', '--quiet', '--root', join(dir, 'root')),
    prepare: `rm -rf ${quote(join(dir, 'root'))} && mkdir ${quote(join(dir, 'root'))}`,
    runs,
    useHyperfine,
  });
  rows.push(['hypervisor run -j 2 --mode parallel', ours]);
  const make = timeCommand({ argv: ['make', '-s', '-j', '2', '-f', join(dir, 'Makefile'), 'all'], cwd: dir, runs, useHyperfine });
  rows.push(['make -j 2', make]);
  // make execs `true` itself; the hypervisor starts a `run:` line as `/bin/sh -c <line>`: the same, through a shell.
  const makeShell = timeCommand({ argv: ['make', '-s', '-j', '2', '-f', join(dir, 'Makefile.sh'), 'all'], cwd: dir, runs, useHyperfine });
  rows.push(['make -j 2, recipe `/bin/sh -c true`', makeShell]);

  let nxSkipped;
  if (values['no-nx']) nxSkipped = 'skipped by --no-nx';
  else if (!existsSync(join(repo, 'node_modules/.bin/nx'))) nxSkipped = 'node_modules/.bin/nx is missing (run npm install)';
  if (nxSkipped === undefined) {
    const nxDir = join(dir, 'nx');
    writeNxWorkspace(nxDir, dag, repo);
    const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true' };
    try {
      const nx = timeCommand({
        argv: [join(nxDir, 'node_modules/.bin/nx'), 'run-many', '-t', 'build', '--skip-nx-cache', '--parallel=2', '--outputStyle=static'],
        env,
        cwd: nxDir,
        runs: 3, // whatever --runs says; the list of commands below prints each row's run count
        useHyperfine,
      });
      rows.push(['nx run-many -t build --parallel=2', nx]);
    } catch (error) {
      nxSkipped = `nx run-many failed: ${String(error.message).split('\n').slice(0, 3).join(' ')}`;
    }
  }

  console.log('| runner | median | phases / s | time ÷ make |');
  console.log('|---|---:|---:|---:|');
  for (const [label, result] of rows) {
    console.log(`| ${label} | ${ms(result.median)} | ${(phases / result.median).toFixed(0)} | ${ratio(result.median, make.median)} |`);
  }
  if (nxSkipped !== undefined) console.log(`\nnx not measured: ${nxSkipped}`);
  console.log('\nCommands timed (the plan folder, Makefile and Nx workspace are generated under the scratch folder):\n');
  for (const [label, result] of rows) printCommand(`${label} (${result.times.length} runs, ${result.tool})`, result.command);
  console.log(`- before each hypervisor run: \`rm -rf <root> && mkdir <root>\` (a fresh root, so every phase runs)`);
  console.log(`- every run, raw seconds: ${rows.map(([label, r]) => `${label} [${r.times.map((t) => t.toFixed(3)).join(', ')}]`).join('; ')}\n`);
}

/** 2. bench/schedule-quality.mjs, run as it stands. */
function quality() {
  console.log(`## 2. Schedule quality\n`);
  const command = ['node', join('bench', 'schedule-quality.mjs')];
  const result = spawnSync(command[0], command.slice(1), { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) {
    console.log(`not measured: \`${command.join(' ')}\` exited ${result.status}: ${result.stderr.trim()}\n`);
    return;
  }
  console.log('```');
  console.log(result.stdout.trim());
  console.log('```\n');
  printCommand('command', command.join(' '));
  console.log('');
}

/** 3. Start-up: --version and plan on the demo, against node -e 0. */
function startup() {
  const startupRuns = Math.max(20, runs * 4);
  console.log(`## 3. Startup\n`);
  const demo = join(repo, 'examples/demo');
  let planDir = demo;
  if (!existsSync(demo)) {
    planDir = join(work, 'startup-plan');
    writePlan(planDir, randomDag(seededRandom(seed), { phases: 8 }));
    console.log(`examples/demo is missing: \`plan\` runs on a generated 8-phase plan instead.\n`);
  }
  const rows = [
    ['node -e 0', timeCommand({ argv: ['node', '-e', '0'], runs: startupRuns, warmup: 3, useHyperfine })],
    ['hypervisor --version', timeCommand({ argv: hypervisor('--version'), runs: startupRuns, warmup: 3, useHyperfine })],
    [`hypervisor plan ${planDir === demo ? 'examples/demo' : '<generated>'}`, timeCommand({ argv: hypervisor('plan', planDir), runs: startupRuns, warmup: 3, useHyperfine })],
  ];
  const base = rows[0][1].median;
  console.log(`median of ${startupRuns} runs after 3 warm-ups\n`);
  console.log('| command | median | min | max | time ÷ node -e 0 |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [label, r] of rows) {
    console.log(`| \`${label}\` | ${ms(r.median)} | ${ms(Math.min(...r.times))} | ${ms(Math.max(...r.times))} | ${ratio(r.median, base)} |`);
  }
  console.log('\nCommands timed:\n');
  for (const [label, r] of rows) printCommand(`${label} (${r.tool})`, r.command);
  console.log('');
}

/**
 * 4. Resume of a plan whose phases are all complete: the checkpoints are written directly (writeCheckpoint, with
 * each phase's hash from loadPlan, in the shape the hypervisor writes), then `hypervisor run` must skip them all.
 * Peer: make over the same edges as file targets that are all up to date.
 */
async function resume() {
  const phases = Number(values['resume-phases']);
  const dag = randomDag(seededRandom(seed), { phases });
  const dir = join(work, 'resume');
  const plan = join(dir, 'plan');
  const root = join(dir, 'root');
  writePlan(plan, dag);
  mkdirSync(root, { recursive: true });
  console.log(`## 4. Resume\n`);
  const { loadPlan } = await loadCore(['loadPlan']);
  const { writeCheckpoint } = await import('@kazuba/toon');
  const loaded = await loadPlan(plan);
  const now = new Date().toISOString();
  const runId = 'run-bench-seed';
  for (const phase of loaded.phases) {
    await writeCheckpoint(join(root, phase.checkpoint), {
      kind: 'kazuba.hypervisor.phase',
      schema_version: 1,
      phase_id: phase.id,
      phase_title: phase.title,
      status: 'success',
      attempts: 1,
      started_at: now,
      finished_at: now,
      duration_ms: 1,
      phase_hash: phase.hash,
      hypervisor_version: version,
      run_id: runId,
      agent: { profile: 'shell', exit_code: 0 },
    });
  }
  // Check once that the run decides what the benchmark claims: every phase skipped, exit 0.
  const check = spawnSync('node', [cli, 'run', plan, '-j', '2', '--mode', 'parallel', '--root', root, '--json'], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  let skipped = -1;
  try {
    skipped = JSON.parse(check.stdout).countsByStatus.skipped;
  } catch {
    /* reported below */
  }
  if (check.status !== 0 || skipped !== phases) {
    console.log(`not measured: the check run exited ${check.status} with ${skipped} of ${phases} phases skipped. ${check.stderr.trim().split('\n')[0] ?? ''}\n`);
    return;
  }
  writeMakefile(join(dir, 'Makefile'), dag, { stamps: true });
  const makeArgv = ['make', '-s', '-j', '2', '-f', join(dir, 'Makefile'), 'all'];
  // The stamps, created in the DAG's order (dependencies first), so make finds every target up to date.
  mkdirSync(join(dir, 'stamps'));
  for (const { id } of dag) writeFileSync(join(dir, 'stamps', `p${id}`), '');
  const upToDate = spawnSync('make', ['-q', '-f', join(dir, 'Makefile'), 'all'], { cwd: dir }).status === 0;

  const ours = timeCommand({ argv: hypervisor('run', plan, '-j', '2', '--mode', 'parallel', '--quiet', '--root', root), runs, useHyperfine });
  const make = timeCommand({ argv: makeArgv, cwd: dir, runs, useHyperfine });
  console.log(`${phases} phases (randomDag, seed ${seed}), every one with a successful checkpoint whose hash matches; ` +
    `checked first: \`run --json\` exits 0 with ${skipped} skipped. Median of ${runs} runs after 1 warm-up.\n`);
  console.log('| runner | median | per phase | time ÷ make |');
  console.log('|---|---:|---:|---:|');
  console.log(`| hypervisor run (all complete, all skipped) | ${ms(ours.median)} | ${((ours.median * 1e6) / phases).toFixed(0)} µs | ${ratio(ours.median, make.median)} |`);
  console.log(`| make -j 2, ${phases} file targets up to date${upToDate ? '' : ' (NOT up to date: make -q said otherwise)'} | ${ms(make.median)} | ${((make.median * 1e6) / phases).toFixed(0)} µs | 1.00× |`);
  console.log('\nCommands timed:\n');
  printCommand(`hypervisor (${ours.tool})`, ours.command);
  printCommand(`make (${make.tool}), once \`stamps/\` holds every target`, make.command);
  console.log('');
}

/**
 * 5. Peak RSS of the hypervisor process while one phase writes 1 GB to stdout, against the same process running a
 * phase that writes nothing. /usr/bin/time -v when present; VmHWM sampled from /proc/<pid>/status as well.
 */
async function memory() {
  const bytes = 1_000_000_000;
  const dir = join(work, 'memory');
  console.log(`## 5. Memory\n`);
  const big = join(dir, 'big');
  const small = join(dir, 'small');
  writePlan(big, [{ id: 1, dependsOn: [] }], () => `'head -c ${bytes} /dev/zero | tr ''\\0'' x'`);
  writePlan(small, [{ id: 1, dependsOn: [] }]);
  const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr.includes('Maximum resident');
  const memoryRuns = 3;

  async function measure(plan) {
    const samples = [];
    for (let i = 0; i < memoryRuns; i += 1) {
      const root = join(dir, `root-${i}`);
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
      const argv = [...hypervisor('run', plan, '--quiet', '--root', root)];
      const started = performance.now();
      const child = spawn(gnuTime ? '/usr/bin/time' : argv[0], gnuTime ? ['-v', ...argv] : argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      // The node process is the child itself, or /usr/bin/time's only child.
      let hwm = 0;
      const poll = setInterval(() => {
        try {
          const pid = gnuTime ? Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]) : child.pid;
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (match) hwm = Math.max(hwm, Number(match[1]));
        } catch {
          /* not started yet, or gone */
        }
      }, 20);
      const code = await new Promise((done) => child.on('close', done));
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`\`${argv.join(' ')}\` exited ${code}: ${stderr.slice(-500)}`);
      const timeKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
      samples.push({ timeKb, hwm, seconds });
      rmSync(root, { recursive: true, force: true });
    }
    return { samples, command: argv0(plan) };
  }
  const argv0 = (plan) => `${gnuTime ? '/usr/bin/time -v ' : ''}node ${cli} run ${plan} --quiet --root <fresh root>`;
  const quiet = await measure(small);
  const loud = await measure(big);
  const mb = (kb) => (Number.isNaN(kb) ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
  const row = (label, r) => {
    const time = median(r.samples.map((s) => s.timeKb));
    const hwm = median(r.samples.map((s) => s.hwm));
    return { label, time, hwm, seconds: median(r.samples.map((s) => s.seconds)) };
  };
  const rows = [row('one phase, `true` (no output)', quiet), row(`one phase writing ${bytes / 1e9} GB to stdout`, loud)];
  console.log(`median of ${memoryRuns} runs each; peak RSS of the hypervisor's node process (the phase's own processes, \`head\` and \`tr\`, are not counted by VmHWM; /usr/bin/time reports the largest process it waited for, which is node here).\n`);
  console.log('| phase | peak RSS, /usr/bin/time -v | peak RSS, VmHWM sampled | wall time | throughput |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const throughput = r === rows[1] ? `${(bytes / 2 ** 20 / r.seconds).toFixed(0)} MB/s` : '';
    console.log(`| ${r.label} | ${gnuTime ? mb(r.time) : 'n/a (no GNU time)'} | ${mb(r.hwm)} | ${r.seconds.toFixed(2)} s | ${throughput} |`);
  }
  console.log(`\nRatio, 1 GB phase ÷ silent phase: ${ratio(gnuTime ? rows[1].time : rows[1].hwm, gnuTime ? rows[0].time : rows[0].hwm)} peak RSS.\n`);
  console.log('Commands measured:\n');
  printCommand('silent phase', quiet.command);
  printCommand('1 GB phase', loud.command);
  console.log(`- the 1 GB phase's line: \`run: 'head -c ${bytes} /dev/zero | tr ''\\0'' x'\``);
  console.log('');
}

/**
 * Goal 4 of issue 17: the overhead benchmark (random DAG, `run: "true"`, `-j 2`, a fresh root each run) at several
 * sizes, with make beside it; the cost per phase should stay flat. Then the run engine alone, in process (the
 * runner answers at once), on plans of independent phases, all ready at once: its cost per phase stays flat only
 * if a dispatch costs no more than O(log ready).
 */
async function scale() {
  const sizes = values.scale.split(',').map(Number);
  const scaleRuns = Number(values['scale-runs']);
  console.log(`## Scale: cost per phase from ${sizes[0]} to ${sizes.at(-1)} phases\n`);
  console.log(`randomDag (seed ${seed}) of each size, every phase runs \`true\`, 2 at a time; median of ${scaleRuns} runs after 1 warm-up; ` +
    'marginal = the extra time per extra phase from the row above (the start-up cost cancels out).\n');
  console.log('| phases | hypervisor | per phase | marginal per phase | make -j 2 | make per phase | time ÷ make |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  const commands = [];
  let previous;
  for (const phases of sizes) {
    const dag = randomDag(seededRandom(seed), { phases });
    const dir = join(work, `scale-${phases}`);
    writePlan(join(dir, 'plan'), dag);
    writeMakefile(join(dir, 'Makefile'), dag);
    const ours = timeCommand({
      argv: hypervisor('run', join(dir, 'plan'), '-j', '2', '--mode', 'parallel', '--quiet', '--root', join(dir, 'root')),
      prepare: `rm -rf ${quote(join(dir, 'root'))} && mkdir ${quote(join(dir, 'root'))}`,
      runs: scaleRuns,
      useHyperfine,
    });
    const make = timeCommand({ argv: ['make', '-s', '-j', '2', '-f', join(dir, 'Makefile'), 'all'], cwd: dir, runs: scaleRuns, useHyperfine });
    const perPhase = (seconds, n) => `${((seconds * 1000) / n).toFixed(2)} ms`;
    const marginal = previous === undefined ? '' : perPhase(ours.median - previous.median, phases - previous.phases);
    console.log(`| ${phases} | ${ms(ours.median)} | ${perPhase(ours.median, phases)} | ${marginal} | ${ms(make.median)} | ${perPhase(make.median, phases)} | ${ratio(ours.median, make.median)} |`);
    commands.push(ours.command, make.command);
    previous = { phases, median: ours.median };
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nCommands timed (before each hypervisor run: `rm -rf <root> && mkdir <root>`):\n');
  for (const command of commands) console.log(`- \`${printable(command)}\``);

  const { createRun, definePlan } = await loadCore(['createRun', 'definePlan']);
  const { asapScheduler, lastValueFrom, of, toArray } = await import('rxjs');
  const runner = { run: () => of({ type: 'result', result: { outcome: 'succeeded' } }) };
  const engineSizes = [...sizes, sizes.at(-1) * 10];
  console.log(`\nThe run engine alone (in process, no processes, no files): N independent phases, all ready at once, 2 workers; median of 5 runs after a warm-up.\n`);
  console.log('| phases ready | engine total | per phase |');
  console.log('|---:|---:|---:|');
  for (const phases of engineSizes) {
    const plan = definePlan(Array.from({ length: phases }, (_, index) => ({ id: index + 1 })), { name: 'ready' });
    const once = async () => {
      const started = performance.now();
      await lastValueFrom(createRun(plan, { mode: 'parallel', maxWorkers: 2 }, { runner, scheduler: asapScheduler }).pipe(toArray()));
      return performance.now() - started;
    };
    await once();
    const times = [];
    for (let i = 0; i < 5; i += 1) times.push(await once());
    const total = median(times);
    console.log(`| ${phases} | ${total.toFixed(0)} ms | ${((total * 1000) / phases).toFixed(1)} µs |`);
  }
  console.log('');
}
