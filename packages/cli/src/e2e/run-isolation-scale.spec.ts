import { existsSync, realpathSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { git, repoWith } from './__fixtures__/run/git-project.js';
import { runBuiltCli, spawnCli } from './__fixtures__/run/spawn-cli.js';
import { eventually, isRunning, removePlans } from './__fixtures__/run/write-plan.js';
import type { FixturePhase } from './__fixtures__/run/write-plan.js';

jest.setTimeout(60_000);
afterAll(removePlans);


/** The worktrees of `root` as `git worktree list --porcelain` tells them: folder and branch (without `refs/heads/`). */
function worktreesOf(root: string): { readonly path: string; readonly branch: string | undefined }[] {
  return git(root, 'worktree', 'list', '--porcelain')
    .split(/\n\n+/)
    .map((block) => ({
      path: block.split('\n')[0]?.replace(/^worktree /, '') ?? '',
      branch: /^branch refs\/heads\/(.+)$/m.exec(block)?.[1],
    }));
}

/** Asserts the root is on `main`, not mid-merge, and its tracked files match HEAD. */
function expectIntegrationBranchSettled(root: string): void {
  expect(existsSync(join(root, '.git', 'MERGE_HEAD'))).toBe(false);
  expect(git(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  expect(git(root, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
}

const LAYERS = 4;
const WIDTH = 10;

/** Phase `id` (1-based) of layer `⌊(id-1)/10⌋` depends on the phase below it and, at an even index, on its right neighbour too. */
function dependenciesOf(id: number): number[] {
  if (id <= WIDTH) return [];
  const index = (id - 1) % WIDTH;
  return index % 2 === 0 ? [id - WIDTH, id - WIDTH + 1] : [id - WIDTH];
}

const layerOf = (id: number): number => Math.floor((id - 1) / WIDTH);

/** The lines of layer `layer`'s file: a line per phase, `slot <id>` until the phase marks it, kept apart by `--`. */
function layerLines(layer: number, mark: (id: number) => string): string {
  const ids = Array.from({ length: WIDTH }, (_, index) => layer * WIDTH + index + 1);
  return `${ids.map(mark).join('\n--\n')}\n`;
}

/**
 * Each phase writes `out/<id>.txt`, its dependencies' files in order then its own id, and replaces its own line
 * `slot <id>` of its layer's file `layers/<layer>.txt` with its id: a change of the same file as its siblings',
 * but lines apart, so git merges them without a conflict.
 */
function layeredPhase(id: number): FixturePhase {
  const dependencies = dependenciesOf(id);
  const own =
    dependencies.length === 0
      ? `mkdir -p out && echo ${id} > out/${id}.txt`
      : `cat ${dependencies.map((dependency) => `out/${dependency}.txt`).join(' ')} > out/${id}.txt && echo ${id} >> out/${id}.txt`;
  const layerFile = `layers/${layerOf(id)}.txt`;
  const mark = `sed 's/^slot ${id}$/${id}/' ${layerFile} > ${layerFile}.new && mv ${layerFile}.new ${layerFile}`;
  return { id, run: `${own} && ${mark}`, dependsOn: dependencies };
}

function expectedContent(id: number): string {
  return `${dependenciesOf(id).map(expectedContent).join('')}${id}\n`;
}

const layers = Array.from({ length: LAYERS }, (_, layer) => layer);

describe('hypervisor run with worktree isolation, at scale and interrupted', () => {
  it('runs 40 layered phases four at a time, each on its dependencies\' merged work, and leaves no worktree or branch', async () => {
    const ids = Array.from({ length: LAYERS * WIDTH }, (_, index) => index + 1);
    const layerFiles = Object.fromEntries(layers.map((layer) => [`layers/${layer}.txt`, layerLines(layer, (id) => `slot ${id}`)]));
    const project = await repoWith(ids.map(layeredPhase), layerFiles);

    const result = await runBuiltCli(['run', 'plan', '--retries', '0', '--mode', 'parallel', '-j', '4'], { cwd: project.root });

    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    const outputs = await readdir(join(project.root, 'out'));
    expect(outputs.sort()).toEqual(ids.map((id) => `${id}.txt`).sort());
    const contents = await Promise.all(ids.map((id) => readFile(join(project.root, 'out', `${id}.txt`), 'utf8')));
    expect(contents).toEqual(ids.map(expectedContent));
    const layerContents = await Promise.all(layers.map((layer) => readFile(join(project.root, 'layers', `${layer}.txt`), 'utf8')));
    expect(layerContents).toEqual(layers.map((layer) => layerLines(layer, (id) => String(id))));
    const phaseCommits = git(project.root, 'log', '--format=%s', 'main')
      .split('\n')
      .filter((subject) => subject.startsWith('phase '));
    expect(phaseCommits.sort()).toEqual(ids.map((id) => `phase ${id}: Phase ${id}`).sort());
    expectIntegrationBranchSettled(project.root);
    expect(worktreesOf(project.root).map((worktree) => worktree.path)).toEqual([realpathSync(project.root)]);
    expect(git(project.root, 'branch', '--list', 'kazuba/*')).toBe('');
  });

  it('on SIGINT stops the phases running side by side, keeps their worktrees, and leaves the merged phase committed on a settled branch', async () => {
    // Each sleeper writes its file in its worktree, then records the pids of its shell and its sleep at the root.
    const sleeper = (id: number, name: string) =>
      [`echo ${name} > ${name}.txt`, `echo $$ > "$HYPERVISOR_ROOT/shell-${id}.pid"`, `sleep 30 & echo $! > "$HYPERVISOR_ROOT/sleep-${id}.pid"`, 'wait'].join('; ');
    const project = await repoWith([
      { id: 1, run: 'echo first > first.txt' },
      { id: 2, run: sleeper(2, 'two'), dependsOn: [1] },
      { id: 3, run: sleeper(3, 'three'), dependsOn: [1] },
    ]);
    const { root } = project;
    const pidFiles = ['shell-2.pid', 'sleep-2.pid', 'shell-3.pid', 'sleep-3.pid'];
    const running = spawnCli(['run', 'plan', '--retries', '0', '--mode', 'parallel', '-j', '4'], { cwd: root });
    expect((await eventually(() => pidFiles.every((file) => existsSync(join(root, file))), 15_000)) || running.output()).toBe(true);
    const pids = await Promise.all(pidFiles.map(async (file) => Number((await readFile(join(root, file), 'utf8')).trim())));

    running.child.kill('SIGINT');
    const result = await running.finished;

    expect(result.status).toBe(130);
    expect(result.stderr).toContain('SIGINT: stopping the running phases and writing their state');
    expect(pids.filter((pid) => isRunning(pid))).toEqual([]);
    expect(await readFile(join(root, 'first.txt'), 'utf8')).toBe('first\n');
    expect(git(root, 'show', 'main:first.txt')).toBe('first');
    expect(git(root, 'log', '--format=%s', 'main').split('\n')).toContain('phase 1: Phase 1');
    expect([existsSync(join(root, 'two.txt')), existsSync(join(root, 'three.txt'))]).toEqual([false, false]);
    expectIntegrationBranchSettled(root);

    const worktreesFolder = join(realpathSync(root), '.hypervisor', 'worktrees') + sep;
    for (const [id, name] of [[2, 'two'], [3, 'three']] as const) {
      const kept = worktreesOf(root).filter((worktree) => new RegExp(`^kazuba/[^/]+/phase-${id}-`).test(worktree.branch ?? ''));
      expect(kept).toHaveLength(1);
      const path = kept[0]?.path ?? '';
      expect(path.startsWith(worktreesFolder)).toBe(true);
      expect(path.split(sep).at(-1)).toMatch(new RegExp(`^phase-${id}(?!\\d)`));
      expect(await readFile(join(path, `${name}.txt`), 'utf8')).toBe(`${name}\n`);
    }
  });
});
