// Shared by bench/isolation.mjs: a git repository of many small tracked files, a plan whose phases each write a
// new file, a reset of the repository between runs, git run and timed in Node, and a reader of GIT_TRACE2 events.
// Every git command is an argument vector (spawnSync without a shell).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** The environment the hypervisor gives git (English, nothing that waits for a person), so both pay the same. */
const GIT_ENV = { LC_ALL: 'C', LANG: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat', GIT_EDITOR: 'true', GIT_MERGE_AUTOEDIT: 'no' };

/** Ids as written in file names: zero-padded so a folder listing is in id order. */
const pad = (id, width = 5) => String(id).padStart(width, '0');

/**
 * Runs `git <args>` in `cwd` and returns its stdout, trimmed; a non-zero exit throws unless `allowFailure`.
 * @returns {{ stdout: string, status: number, seconds: number }}
 */
export function runGit(cwd, args, { allowFailure = false, env = {} } = {}) {
  const started = performance.now();
  const result = spawnSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - started) / 1000;
  if (result.error) throw result.error;
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`\`git ${args.join(' ')}\` in ${cwd} exited ${result.status ?? result.signal}: ${result.stderr.trim()}`);
  }
  return { stdout: result.stdout.trim(), status: result.status, seconds };
}

/** `git <args>` in `cwd`: its stdout, trimmed. */
export const git = (cwd, ...args) => runGit(cwd, args).stdout;

/** `files` small files under `dir/src/aNN/bNN/fNNNNN.txt`, 100 to a folder: the tracked files of the repository. */
export function writeTree(dir, { files }) {
  for (let i = 0; i < files; i += 1) {
    const folder = join(dir, 'src', `a${pad(Math.floor(i / 1000) % 100, 2)}`, `b${pad(Math.floor(i / 100) % 10, 2)}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `f${pad(i)}.txt`), `file ${i}\nline two of file ${i}\n`);
  }
}

/**
 * A repository of `files` small tracked files in nested folders (`src/aNN/bNN/fNNNNN.txt`, 100 to a folder), one
 * commit on `main`, a local identity, no signing. Returns the commit's sha.
 */
export function createRepository(dir, { files }) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet');
  // `git init --initial-branch` needs git 2.28; naming the unborn branch works everywhere.
  git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  git(dir, 'config', 'user.name', 'Isolation Bench');
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  git(dir, 'config', 'commit.gpgSign', 'false');
  writeTree(dir, { files });
  writeFileSync(join(dir, 'README.md'), `A benchmark repository of ${files} small files.\n`);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--no-verify', '-m', 'initial');
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * A plan folder of `phases` independent phases; phase N's `run:` line writes the new file `out/phase-NNNNN.txt`,
 * so each phase leaves a real change (a commit and a merge under worktree isolation). All in one parallel group,
 * so even the `strict` group policy lets them run side by side.
 */
export function writeIsolationPlan(dir, { phases }) {
  mkdirSync(dir, { recursive: true });
  for (let id = 1; id <= phases; id += 1) {
    const text = [
      '---',
      `phase: ${id}`,
      `title: "write out/phase-${pad(id)}.txt"`,
      'depends_on: []',
      'parallel_group: "bench"',
      `run: "mkdir -p out && echo phase ${id} > out/phase-${pad(id)}.txt"`,
      '---',
      '',
      `Benchmark phase ${id}: writes one new file.`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `${pad(id)}.md`), text);
  }
}

/**
 * Puts the repository back to `initial`: the hypervisor's state folder (and any worktree under it) removed, stale
 * worktrees pruned, leftover `kazuba/` branches deleted, tracked files reset, untracked and ignored files cleaned.
 */
export function resetRepository(dir, initial) {
  rmSync(join(dir, '.hypervisor'), { recursive: true, force: true });
  git(dir, 'worktree', 'prune');
  const leftover = git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/kazuba/', 'refs/heads/bench/');
  for (const branch of leftover.split('\n').filter((name) => name !== '')) git(dir, 'branch', '--quiet', '-D', branch);
  git(dir, 'reset', '--hard', '--quiet', initial);
  git(dir, 'clean', '-ffdxq');
}

/**
 * What a run left in the repository: commits and merge commits since `initial`, `out/` files in HEAD and on disk,
 * worktrees and `kazuba/` branches left, tracked changes.
 */
export function inspectRepository(dir, initial) {
  const count = (...args) => Number(git(dir, 'rev-list', '--count', ...args, `${initial}..HEAD`));
  const lines = (text) => text.split('\n').filter((line) => line !== '').length;
  return {
    commits: count('--no-merges'),
    mergeCommits: count('--merges'),
    filesInHead: lines(git(dir, 'ls-tree', '-r', '--name-only', 'HEAD', '--', 'out')),
    filesOnDisk: lines(runGit(dir, ['ls-files', '--others', '--cached', '--', 'out']).stdout),
    worktrees: lines(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree ')).join('\n')),
    branchesLeft: lines(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads/kazuba/')),
    trackedChanges: lines(git(dir, 'status', '--porcelain', '--untracked-files=no')),
  };
}

/** The label of one git command line: its subcommand, with the word or flag that tells its variants apart. */
export function labelGitCommand(argv) {
  const args = argv.slice(1);
  while (args[0] === '-c' || args[0] === '-C') args.splice(0, 2);
  const [command, ...rest] = args;
  if (command === 'worktree') return `worktree ${rest[0]}`;
  if (command === 'merge') return rest.includes('--ff-only') ? 'merge --ff-only' : rest.includes('--abort') ? 'merge --abort' : 'merge --no-ff';
  if (command === 'config') return 'config --get';
  if (command === 'diff') return rest.includes('--cached') ? 'diff --cached' : 'diff';
  if (command === 'rev-parse') return rest.includes('--show-toplevel') ? 'rev-parse --show-toplevel' : 'rev-parse';
  return command ?? '(none)';
}

/**
 * The top-level git processes in a GIT_TRACE2_EVENT file (processes git itself started, such as the checkout a
 * `worktree add` runs, have a parent in their sid and are counted inside their parent), grouped by label.
 * @returns {Map<string, { count: number, seconds: number }>}
 */
export function readGitTrace(file) {
  const started = new Map();
  const groups = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const event = JSON.parse(line);
    if (event.sid.includes('/')) continue;
    if (event.event === 'start') started.set(event.sid, labelGitCommand(event.argv));
    if (event.event === 'exit' && started.has(event.sid)) {
      const label = started.get(event.sid);
      const group = groups.get(label) ?? { count: 0, seconds: 0 };
      group.count += 1;
      group.seconds += event.t_abs;
      groups.set(label, group);
    }
  }
  return groups;
}
