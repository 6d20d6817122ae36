// Shared by the benchmark scripts: generators for the same DAG as a hypervisor plan folder, a Makefile and an Nx
// workspace, a timer that uses hyperfine when it is installed and times in Node otherwise, and the option parser of
// bench/isolation.mjs and bench/report.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/** Ids as written in file names: zero-padded so a folder listing is in id order. */
const pad = (id) => String(id).padStart(5, '0');

/**
 * A plan folder: one markdown phase file per node, every phase in one parallel group (so the default `strict`
 * group policy lets them share the working tree) and a `run:` line, so no agent is involved.
 * @param {string} dir
 * @param {{ id: number, dependsOn: number[] }[]} dag
 * @param {(id: number) => string} run YAML scalar for the phase's `run:` line
 */
export function writePlan(dir, dag, run = () => '"true"') {
  mkdirSync(dir, { recursive: true });
  for (const { id, dependsOn } of dag) {
    const text = [
      '---',
      `phase: ${id}`,
      `title: "bench phase ${id}"`,
      `depends_on: [${dependsOn.join(', ')}]`,
      'parallel_group: "bench"',
      `run: ${run(id)}`,
      '---',
      '',
      `Benchmark phase ${id}.`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `${pad(id)}.md`), text);
  }
}

/**
 * A Makefile with the same edges. `stamps: false`: phony targets whose recipe is `true` (every run runs all of
 * them, like `hypervisor run --force`; `shell: true` runs each through `/bin/sh -c true`, as the hypervisor runs a
 * `run:` line); `stamps: true`: file targets under `stamps/` made by `touch`, so a second
 * `make` finds everything up to date (the peer of resuming a completed plan).
 */
export function writeMakefile(file, dag, { stamps = false, shell = false } = {}) {
  const name = (id) => (stamps ? `stamps/p${id}` : `p${id}`);
  const lines = [];
  lines.push(`all: ${dag.map(({ id }) => name(id)).join(' ')}`, '');
  if (!stamps) lines.push(`.PHONY: all ${dag.map(({ id }) => name(id)).join(' ')}`, '');
  for (const { id, dependsOn } of dag) {
    lines.push(`${name(id)}: ${dependsOn.map(name).join(' ')}`.trimEnd());
    lines.push(stamps ? '\t@mkdir -p stamps && touch $@' : shell ? '\t@/bin/sh -c true' : '\t@true');
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * An Nx workspace of the same shape: one project per phase (npm workspaces), each with a `build` target running
 * `true` through nx:run-commands, `dependsOn: ['^build']` over `implicitDependencies` that are the phase's edges.
 * The repository's node_modules (where nx is a dev dependency) is linked in, so nothing is installed.
 */
export function writeNxWorkspace(dir, dag, repoRoot) {
  mkdirSync(join(dir, 'packages'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nx-bench', private: true, workspaces: ['packages/*'] }, null, 2));
  writeFileSync(join(dir, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: [] }, null, 2));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const { id, dependsOn } of dag) {
    const project = join(dir, 'packages', `p${id}`);
    mkdirSync(project);
    const nx = {
      implicitDependencies: dependsOn.map((d) => `p${d}`),
      targets: { build: { executor: 'nx:run-commands', options: { command: 'true' }, dependsOn: ['^build'], cache: false } },
    };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `p${id}`, version: '0.0.0', private: true, nx }, null, 2));
  }
}

/** Whether a program answers `--version`. */
export function has(program) {
  const result = spawnSync(program, ['--version'], { stdio: 'ignore' });
  return result.status === 0;
}

/** Single-quotes a word for a POSIX shell when it needs it. */
export const quote = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

/** The command as one could paste it: env assignments, then the quoted argument vector. */
export function commandLine({ argv, env = {}, cwd }) {
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`);
  const line = [...assignments, ...argv.map(quote)].join(' ');
  return cwd === undefined ? line : `(cd ${quote(cwd)} && ${line})`;
}

export const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Wall time of a command in seconds, `runs` times after `warmup` untimed runs, each preceded by `prepare` (a shell
 * line, untimed). With hyperfine (`useHyperfine`) hyperfine does the timing (`-N`: no intermediate shell);
 * otherwise spawnSync timed with performance.now(). Either way a non-zero exit stops the benchmark.
 * @returns {{ times: number[], median: number, tool: string, command: string }}
 */
export function timeCommand({ argv, env = {}, cwd, prepare, runs, warmup = 1, useHyperfine }) {
  const command = commandLine({ argv, env });
  const display = commandLine({ argv, env, cwd });
  const fullEnv = { ...process.env, ...env };
  if (useHyperfine) {
    const json = join(cwd ?? process.cwd(), `.hyperfine-${process.pid}-${Date.now()}.json`);
    const args = ['-N', '--style', 'none', '--runs', String(runs), '--warmup', String(warmup), '--export-json', json];
    if (prepare !== undefined) args.push('--prepare', `sh -c ${quote(prepare)}`);
    args.push(command.replace(/^(\w+=\S+ )+/, ''));
    const result = spawnSync('hyperfine', args, { cwd, env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`hyperfine failed on \`${command}\`:\n${result.stderr}`);
    const times = JSON.parse(readFileSync(json, 'utf8')).results[0].times;
    rmSync(json, { force: true });
    return { times, median: median(times), tool: 'hyperfine', command: display };
  }
  const times = [];
  for (let i = 0; i < warmup + runs; i += 1) {
    if (prepare !== undefined) spawnSync('sh', ['-c', prepare], { cwd, stdio: 'ignore' });
    const started = performance.now();
    const result = spawnSync(argv[0], argv.slice(1), { cwd, env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const elapsed = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`\`${command}\` exited ${result.status ?? result.signal}:\n${result.stderr}`);
    if (i >= warmup) times.push(elapsed);
  }
  return { times, median: median(times), tool: 'node', command: display };
}

/**
 * Parses a benchmark script's options (node:util parseArgs, with a `help` flag among them): prints `usage` and exits
 * 0 on --help, exits 2 with the problem and `usage` on a bad option. Returns the values and `integer(name, least)`,
 * which reads an option as an integer of at least `least` (default 1) or exits 2 saying so.
 * @param {string} usage
 * @param {Record<string, import('node:util').ParseArgsOptionConfig>} options
 */
export function parseBenchOptions(usage, options) {
  let values;
  try {
    ({ values } = parseArgs({ options }));
  } catch (error) {
    console.error(`bench: ${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const integer = (name, least = 1) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < least) {
      console.error(`bench: --${name} expects an integer of at least ${least}, not ${JSON.stringify(values[name])}\n\n${usage}`);
      process.exit(2);
    }
    return n;
  };
  return { values, integer };
}
