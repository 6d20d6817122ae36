// What worktree isolation costs, through the built CLI (packages/cli/dist/main.js), on a git repository of 10,000
// tracked files. A benchmark, not a test: it prints markdown tables for BENCHMARKS.md and the commands it timed.
//   npx nx run-many -t build && node bench/isolation.mjs [--phases 10] [--runs 3] [--warmup 1] [--workers 4]
//     [--files 10000] [--git-runs 5] [--only runs,trace,git] [--keep]
// Each isolated phase checks out every tracked file into a new worktree, seconds on a slow disk, so the default is
// 10 phases rather than 20 (about 7 minutes in all on a 2-core VM).
// Everything it writes goes under one temporary folder, removed at the end unless --keep.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRepository, git, inspectRepository, readGitTrace, resetRepository, runGit, writeIsolationPlan, writeTree } from './isolation-fixtures.mjs';
import { median, parseBenchOptions } from './peer-fixtures.mjs';

const USAGE = `Usage: node bench/isolation.mjs [options]

Times \`hypervisor run\` with --isolation worktree against --isolation none on a git repository of many small
tracked files (sequential, and parallel with several workers), then counts the git processes of one traced run
of each, then times the git steps of one isolated phase alone. Prints markdown tables. Needs the built CLI and
git; the default takes about 7 minutes on a 2-core VM whose disk makes a small file in 0.1 - 0.5 ms.

Options:
  --phases <n>     phases in the plan, each writing one new file (default: 10)
  --runs <n>       timed runs of each variant; the median is reported (default: 3)
  --warmup <n>     untimed rounds of every variant before them (default: 1)
  --workers <n>    workers of the parallel variant (default: 4)
  --files <n>      tracked files in the repository (default: 10000)
  --git-runs <n>   repetitions of the git steps alone, after one warm-up (default: 5)
  --only <list>    some of runs,trace,git (default: all three)
  --keep           keep the temporary folder
  -h, --help       print this help`;

const OPTIONS = {
  phases: { type: 'string', default: '10' },
  runs: { type: 'string', default: '3' },
  warmup: { type: 'string', default: '1' },
  workers: { type: 'string', default: '4' },
  files: { type: 'string', default: '10000' },
  'git-runs': { type: 'string', default: '5' },
  only: { type: 'string', default: 'runs,trace,git' },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};
const { values, integer: positive } = parseBenchOptions(USAGE, OPTIONS);
const phases = positive('phases');
const runs = positive('runs');
const warmup = positive('warmup', 0);
const workers = positive('workers');
const files = positive('files');
const gitRuns = positive('git-runs');
const only = new Set(values.only.split(','));

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repoRoot, 'packages/cli/dist/main.js');
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing. Build first with\n  npx nx run-many -t build --outputStyle=static`);
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'hypervisor-isolation-'));
const repo = join(work, 'repo');
const plan = join(work, 'plan');
const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;
const ms1 = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;
const printable = (command) => command.replaceAll(work, '$SCRATCH').replaceAll(`${repoRoot}/`, '');
const WRITE_TREE = 'for reference, no git: Node writes the same files (`mkdirSync`, `writeFileSync`)';
const REMOVE_TREE = 'for reference, no git: Node removes them (`rmSync`)';
/** The steps timed alone, each with the label table 2 gives the same command in a run. */
const STEPS = [
  ['git worktree add --quiet -b <branch> <path> <tip>', 'worktree add'],
  ['git add --all -- . <exclude .hypervisor>', 'add'],
  ['git diff --cached --quiet', 'diff --cached'],
  ['git commit --quiet --no-verify -m <message>', 'commit'],
  ['git rev-parse --verify HEAD', 'rev-parse'],
  ['git config --get user.name', 'config --get'],
  ['git merge-base --is-ancestor HEAD <branch>', 'merge-base'],
  ['git merge --ff-only --quiet <branch>', 'merge --ff-only'],
  ['git merge --no-ff --no-edit -m <message> <branch>', 'merge --no-ff'],
  ['git worktree remove --force --force <path>', 'worktree remove'],
  ['git branch --quiet -D <branch>', 'branch'],
];

const variants = [
  { mode: 'sequential', workers: 1, isolation: 'worktree' },
  { mode: 'sequential', workers: 1, isolation: 'none' },
  { mode: 'parallel', workers, isolation: 'worktree' },
  { mode: 'parallel', workers, isolation: 'none' },
];
const argvOf = (variant) => ['node', cli, 'run', plan, '--root', repo, '--mode', variant.mode, '-j', String(variant.workers), '--group-policy', 'ignore', '--isolation', variant.isolation, '--retries', '0', '--quiet'];
const labelOf = (variant) => (variant.mode === 'sequential' ? 'sequential' : `parallel, -j ${variant.workers}`);

const version = spawnSync('node', [cli, '--version'], { encoding: 'utf8' }).stdout.trim();
const gitVersion = git(repoRoot, '--version');
console.log(`# Worktree isolation\n`);
console.log(`${new Date().toISOString().slice(0, 10)}; ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ` +
  `Node ${process.version}, hypervisor ${version}, ${gitVersion}; timing by performance.now() around spawnSync. ` +
  `Commands run from the repository root; $SCRATCH is a temporary folder (${work}).\n`);

try {
  const started = performance.now();
  const initial = createRepository(repo, { files });
  writeIsolationPlan(plan, { phases });
  console.log(`Repository: ${files} tracked files under \`$SCRATCH/repo/src/\` (100 to a folder, two folder levels) and a README, one commit on \`main\`, ` +
    `made in ${ms((performance.now() - started) / 1000)}. Plan: ${phases} independent phases in \`$SCRATCH/plan/\` (outside the repository); ` +
    `phase N runs \`mkdir -p out && echo phase N > out/phase-0000N.txt\`.\n`);
  if (only.has('runs')) timeRuns(initial);
  const traced = only.has('trace') ? traceRuns(initial) : undefined;
  if (only.has('git')) timeGitSteps(initial, traced);
} finally {
  if (values.keep) console.log(`\n(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

/** Stops the benchmark when a run did not leave what its isolation promises. */
function checkRun(variant, state) {
  const problems = [];
  if (variant.isolation === 'worktree') {
    if (state.commits !== phases) problems.push(`${state.commits} phase commits, not ${phases}`);
    if (state.filesInHead !== phases) problems.push(`${state.filesInHead} out/ files in HEAD, not ${phases}`);
    if (state.worktrees !== 1) problems.push(`${state.worktrees - 1} worktrees left`);
    if (state.branchesLeft !== 0) problems.push(`${state.branchesLeft} kazuba/ branches left`);
    if (state.trackedChanges !== 0) problems.push(`${state.trackedChanges} tracked files changed`);
  } else {
    if (state.commits + state.mergeCommits !== 0) problems.push(`${state.commits + state.mergeCommits} commits made`);
    if (state.filesOnDisk !== phases) problems.push(`${state.filesOnDisk} out/ files in the root, not ${phases}`);
  }
  if (problems.length > 0) throw new Error(`${labelOf(variant)}, --isolation ${variant.isolation}: ${problems.join('; ')}`);
}

/** One run of a variant from a reset repository: its wall time and what it left. */
function runOnce(variant, initial, env = {}) {
  resetRepository(repo, initial);
  const argv = argvOf(variant);
  const started = performance.now();
  const result = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`\`${printable(argv.join(' '))}\` exited ${result.status ?? result.signal}:\n${result.stderr}`);
  const state = inspectRepository(repo, initial);
  checkRun(variant, state);
  return { seconds, state };
}

/** 1. The plan under each variant; rounds interleave the variants, the first `warmup` rounds are not timed. */
function timeRuns(initial) {
  const samples = variants.map(() => []);
  for (let round = 0; round < warmup + runs; round += 1) {
    variants.forEach((variant, i) => {
      const sample = runOnce(variant, initial);
      if (round >= warmup) samples[i].push(sample);
    });
  }
  resetRepository(repo, initial);
  const rows = variants.map((variant, i) => ({ variant, median: median(samples[i].map((s) => s.seconds)), samples: samples[i] }));
  const baseline = (variant) => rows.find((row) => row.variant.mode === variant.mode && row.variant.isolation === 'none').median;

  console.log(`## 1. Runs\n`);
  console.log(`${phases} phases; median of ${runs} runs of each variant after ${warmup} warm-up round${warmup === 1 ? '' : 's'}, the variants interleaved, the repository reset before every run; ` +
    `every run checked afterwards (worktree: ${phases} phase commits in HEAD, no worktree or branch left, tracked files clean; none: ${phases} files in the root, no commit).\n`);
  console.log('| mode | isolation | wall time, median | min – max | per phase | isolation overhead per phase | merges: fast-forward / merge commit |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const { variant, median: wall, samples: runSamples } of rows) {
    const times = runSamples.map((s) => s.seconds);
    const overhead = variant.isolation === 'worktree' ? ms((wall - baseline(variant)) / phases) : '';
    const merges = variant.isolation === 'worktree'
      ? runSamples.map((s) => `${s.state.commits - s.state.mergeCommits} / ${s.state.mergeCommits}`).filter((m, k, all) => all.indexOf(m) === k).join(', ')
      : '';
    console.log(`| ${labelOf(variant)} | ${variant.isolation} | ${ms(wall)} | ${ms(Math.min(...times))} – ${ms(Math.max(...times))} | ${ms(wall / phases)} | ${overhead} | ${merges} |`);
  }
  console.log('\nCommands timed (before each: the repository reset, see below):\n');
  for (const variant of variants) console.log(`- \`${printable(argvOf(variant).join(' '))}\``);
  console.log(`- reset: \`rm -rf $SCRATCH/repo/.hypervisor\`, then in $SCRATCH/repo \`git worktree prune\`, \`git branch -D\` of any \`kazuba/\` branch, ` +
    `\`git reset --hard <initial commit>\`, \`git clean -ffdxq\``);
  console.log(`- every run, raw seconds: ${rows.map(({ variant, samples: s }) => `${labelOf(variant)} ${variant.isolation} [${s.map((x) => x.seconds.toFixed(3)).join(', ')}]`).join('; ')}\n`);
}

/** 2. One more run of each variant with GIT_TRACE2_EVENT set: every git process it started, by command. */
function traceRuns(initial) {
  const traced = [];
  for (const variant of variants) {
    const file = join(work, `trace-${variant.mode}-${variant.isolation}.json`);
    rmSync(file, { force: true });
    const { seconds } = runOnce(variant, initial, { GIT_TRACE2_EVENT: file });
    traced.push({ variant, seconds, groups: existsSync(file) ? readGitTrace(file) : new Map() });
  }
  resetRepository(repo, initial);
  const isolated = traced.filter((t) => t.variant.isolation === 'worktree');
  const labels = [...new Set(isolated.flatMap((t) => [...t.groups.keys()]))]
    .sort((a, b) => (isolated[0].groups.get(b)?.seconds ?? 0) - (isolated[0].groups.get(a)?.seconds ?? 0));

  console.log(`## 2. git inside a run\n`);
  console.log(`One more run of each variant with \`GIT_TRACE2_EVENT\` set (not counted in table 1: tracing adds its own cost). ` +
    `Every git process the hypervisor started, by command; the time is each process's own, as git reports it (\`t_abs\` at exit), ` +
    `so it leaves out starting the process from Node, and in a parallel run it adds up processes that overlapped.\n`);
  const head = isolated.map((t) => `${labelOf(t.variant)}: processes | ms | ms per phase`).join(' | ');
  console.log(`| git command | ${head} |`);
  console.log(`|---|${isolated.map(() => '---:|---:|---:').join('|')}|`);
  const cells = (group) => (group === undefined ? '0 | | ' : `${group.count} | ${(group.seconds * 1000).toFixed(0)} | ${((group.seconds * 1000) / phases).toFixed(1)}`);
  for (const label of labels) console.log(`| \`${label}\` | ${isolated.map((t) => cells(t.groups.get(label))).join(' | ')} |`);
  const total = (t) => [...t.groups.values()].reduce((acc, g) => ({ count: acc.count + g.count, seconds: acc.seconds + g.seconds }), { count: 0, seconds: 0 });
  console.log(`| **all** | ${isolated.map((t) => cells(total(t)).replace(/([\d.]+)/g, '**$1**')).join(' | ')} |`);
  const none = traced.filter((t) => t.variant.isolation === 'none').map((t) => `${labelOf(t.variant)}: ${total(t).count}`).join(', ');
  console.log(`\ngit processes in the \`--isolation none\` runs: ${none}. Wall time of the traced runs: ` +
    `${traced.map((t) => `${labelOf(t.variant)} ${t.variant.isolation} ${ms(t.seconds)}`).join(', ')}.\n`);
  console.log(`Command: the commands of table 1 with \`GIT_TRACE2_EVENT=$SCRATCH/trace-<mode>-<isolation>.json\` in the environment.\n`);
  return isolated.find((t) => t.variant.mode === 'sequential')?.groups;
}

/** One round of the git steps: two worktrees from one tip, a commit in each, a fast-forward and a merge commit. */
function runGitRound(round, timed) {
  const pathspecs = ['.', ':(exclude,glob).hypervisor/**', ':(exclude,glob)**/.hypervisor/**'];
  const [add, stage, staged, commit, revParse, config, mergeBase, fastForward, mergeCommit, remove, deleteBranch] = STEPS.map(([label]) => label);
  const tip = git(repo, 'rev-parse', 'HEAD');
  const places = ['a', 'b'].map((name) => ({
    worktree: join(repo, '.hypervisor', 'worktrees', 'bench', `step-${round}-${name}`),
    branch: `bench/step-${round}-${name}`,
    file: `out/step-${round}-${name}.txt`,
  }));
  for (const place of places) {
    mkdirSync(dirname(place.worktree), { recursive: true });
    timed(add, repo, ['worktree', 'add', '--quiet', '-b', place.branch, place.worktree, tip]);
    mkdirSync(join(place.worktree, 'out'), { recursive: true });
    writeFileSync(join(place.worktree, place.file), `${place.file}\n`);
    timed(stage, place.worktree, ['add', '--all', '--', ...pathspecs]);
    timed(staged, place.worktree, ['diff', '--cached', '--quiet'], { allowFailure: true });
    timed(commit, place.worktree, ['commit', '--quiet', '--no-verify', '-m', `bench ${place.file}`]);
  }
  timed(revParse, repo, ['rev-parse', '--verify', 'HEAD']);
  timed(config, repo, ['config', '--get', 'user.name']);
  timed(mergeBase, repo, ['merge-base', '--is-ancestor', 'HEAD', places[0].branch], { allowFailure: true });
  // a forked from the tip the root still has: a fast-forward; b forked from the same tip, now behind: a merge commit.
  timed(fastForward, repo, ['merge', '--ff-only', '--quiet', places[0].branch]);
  timed(mergeCommit, repo, ['merge', '--no-ff', '--no-edit', '-m', `merge ${places[1].branch}`, places[1].branch]);
  for (const place of places) {
    timed(remove, repo, ['worktree', 'remove', '--force', '--force', place.worktree]);
    timed(deleteBranch, repo, ['branch', '--quiet', '-D', place.branch]);
  }
}

/** Node writing and removing the same files, no git: what the file system alone costs. */
function timePlainFiles(round, record) {
  const plain = join(work, `plain-${round}`);
  let started = performance.now();
  writeTree(plain, { files });
  record(WRITE_TREE, (performance.now() - started) / 1000);
  started = performance.now();
  rmSync(plain, { recursive: true, force: true });
  record(REMOVE_TREE, (performance.now() - started) / 1000);
}

/**
 * 3. The git steps of one phase, alone, each timed as its own process; how often a phase runs each comes from the
 * traced sequential run of table 2 (`traced`), or is taken as once when there was none.
 */
function timeGitSteps(initial, traced) {
  resetRepository(repo, initial);
  // As the hypervisor does before a run: its state folder exists and ignores itself.
  mkdirSync(join(repo, '.hypervisor'), { recursive: true });
  writeFileSync(join(repo, '.hypervisor', '.gitignore'), '*\n');
  const samples = new Map();
  for (let round = 0; round <= gitRuns; round += 1) {
    const record = (label, seconds) => {
      if (round === 0) return;
      if (!samples.has(label)) samples.set(label, []);
      samples.get(label).push(seconds);
    };
    timePlainFiles(round, record);
    runGitRound(round, (label, cwd, args, options) => record(label, runGit(cwd, args, options).seconds));
  }
  resetRepository(repo, initial);

  const countOf = (traceLabel) => (traced === undefined ? (traceLabel === 'merge --no-ff' ? 0 : 1) : (traced.get(traceLabel)?.count ?? 0) / phases);
  const range = (times) => `${ms1(Math.min(...times))} – ${ms1(Math.max(...times))}`;
  console.log(`## 3. The git steps of one phase, alone\n`);
  console.log(`Each step as its own git process on the ${files}-file repository, timed in Node around spawnSync (so starting the process is included); ` +
    `${gitRuns} round${gitRuns === 1 ? '' : 's'} after 1 warm-up, each round two worktrees from the same tip (a file written and committed in each), ` +
    `the first merged by fast-forward and the second by a merge commit, then both removed; median over every sample. ` +
    (traced === undefined
      ? 'No traced run (`--only` left out `trace`): each step is counted once per phase, `merge --no-ff` never.\n'
      : `"per phase" is how many such processes the traced sequential run of table 2 started, divided by its ${phases} phases ` +
        '(the handful a run starts once, to check the root, are included).\n'));
  console.log('| step | median | min – max | per phase | cost per phase |');
  console.log('|---|---:|---:|---:|---:|');
  let sum = 0;
  for (const [label, traceLabel] of STEPS) {
    const times = samples.get(label);
    const count = countOf(traceLabel);
    sum += count * median(times);
    const shown = Number.isInteger(count) ? String(count) : count.toFixed(1);
    console.log(`| \`${label}\` | ${ms1(median(times))} | ${range(times)} | ${shown}× | ${count === 0 ? '' : ms1(count * median(times))} |`);
  }
  console.log(`| **sum per phase** | | | | **${ms1(sum)}** |`);
  for (const label of [WRITE_TREE, REMOVE_TREE]) console.log(`| ${label} | ${ms1(median(samples.get(label)))} | ${range(samples.get(label))} | | |`);
  const covered = new Set(STEPS.map(([, traceLabel]) => traceLabel));
  const others = traced === undefined ? [] : [...traced].filter(([label]) => !covered.has(label));
  console.log(`\nThe small queries stand for their kind: \`rev-parse --verify HEAD\` for every \`rev-parse\`, \`config --get user.name\` for every identity look-up.` +
    (others.length === 0 ? '' : ` Not timed alone, from the traced run: ${others.map(([label, g]) => `\`${label}\` ×${g.count} (${((g.seconds * 1000) / phases).toFixed(1)} ms per phase)`).join(', ')}.`) + '\n');
}
