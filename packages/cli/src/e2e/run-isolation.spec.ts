import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { git, repoWith } from './__fixtures__/run/git-project.js';
import { runBuiltCli, spawnCli } from './__fixtures__/run/spawn-cli.js';
import { eventually, removePlans } from './__fixtures__/run/write-plan.js';
import type { FixtureProject } from './__fixtures__/run/write-plan.js';

// Real git and whole runs of the built CLI: seconds each, more on a loaded machine.
jest.setTimeout(60_000);
afterAll(removePlans);

// The fake Claude Code keeps the sessions it issued per folder under FAKE_CLAUDE_STATE, as the real CLI does.
const FAKE_CLAUDE = fileURLToPath(new URL('../../../core/src/node/agents/__fixtures__/fake-claude.mjs', import.meta.url));


const run = (project: FixtureProject, args: readonly string[]) => runBuiltCli(['run', 'plan', '--retries', '0', ...args], { cwd: project.root });

describe('hypervisor run with worktree isolation', () => {
  it('runs phases side by side in worktrees, merges each into the branch, and leaves the tracked tree clean', async () => {
    const project = await repoWith([
      { id: 1, run: 'echo one > one.txt' },
      { id: 2, run: 'echo two > two.txt' },
      { id: 3, run: 'cat one.txt two.txt > both.txt', dependsOn: [1, 2] },
    ]);
    const result = await run(project, ['--mode', 'parallel']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('isolation: each phase runs in its own git worktree and is merged into main\n');
    expect(await readFile(join(project.root, 'both.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(git(project.root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git(project.root, 'log', '--format=%s', '-n', '1')).toMatch(/phase 3: Phase 3/);
  });

  it('fails a phase whose change conflicts, naming the file, and goes on with --keep-going', async () => {
    const project = await repoWith([
      { id: 1, run: 'sleep 0.2; echo first > shared.txt' },
      { id: 2, run: 'sleep 0.8; echo second > shared.txt' },
      { id: 3, run: 'echo three > three.txt' },
    ]);
    const result = await run(project, ['--mode', 'parallel', '--keep-going']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/phase 2 \(Phase 2\) failed: merge conflict in shared\.txt/);
    expect(await readFile(join(project.root, 'shared.txt'), 'utf8')).toBe('first\n');
    expect(await readFile(join(project.root, 'three.txt'), 'utf8')).toBe('three\n');
  });

  it('refuses a root with changed tracked files in one line, runs with --allow-dirty, and runs in the root with --isolation none', async () => {
    const project = await repoWith([{ id: 1, run: 'echo x > x.txt' }]);
    await writeFile(join(project.root, 'shared.txt'), 'changed\n');
    const refused = await run(project, []);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('shared.txt');
    expect((await run(project, ['--allow-dirty'])).status).toBe(0);
    expect(git(project.root, 'show', 'HEAD:x.txt')).toBe('x');
    const inRoot = await repoWith([{ id: 1, run: 'echo y > y.txt' }]);
    expect((await run(inRoot, ['--isolation', 'none'])).status).toBe(0);
    expect(git(inRoot.root, 'status', '--porcelain')).toContain('y.txt');
  });

  it('says where the worktree of a failed phase is kept', async () => {
    const project = await repoWith([{ id: 1, run: 'echo half > half.txt; exit 1' }]);
    const result = await run(project, []);
    expect(result.status).toBe(1);
    const kept = result.stderr.match(/kept in (\.hypervisor\/worktrees\/[^:]+): `hypervisor status` lists them, `hypervisor clean` removes them\n/)?.[1];
    expect(await readFile(join(project.root, String(kept), 'phase-1', 'half.txt'), 'utf8')).toBe('half\n');
  });

  it('after the hypervisor was SIGKILLed, the next run removes its worktree, keeps its work on a branch, and says so', async () => {
    const project = await repoWith([
      { id: 1, run: 'echo one > one.txt' },
      { id: 2, run: 'echo two > two.txt; if [ ! -f "$HYPERVISOR_ROOT/once" ]; then touch "$HYPERVISOR_ROOT/once"; sleep 30; fi', dependsOn: [1] },
    ]);
    await writeFile(join(project.root, '.git', 'info', 'exclude'), 'once\n');
    const first = spawnCli(['run', 'plan'], { cwd: project.root });
    await eventually(() => existsSync(join(project.root, 'once')));
    first.child.kill('SIGKILL');
    await first.finished;
    const second = await run(project, []);
    expect(second.status).toBe(0);
    const killed = /removed 1 worktree of run (\S+), which stopped without finishing\n/.exec(second.stderr)?.[1];
    expect(killed).toMatch(/^run-/);
    expect(second.stderr).toContain(`its unfinished work is kept on branch kazuba/${String(killed)}/phase-2-1 (\`hypervisor clean\` removes them)\n`);
    expect(git(project.root, 'show', `kazuba/${String(killed)}/phase-2-1:two.txt`)).toBe('two');
    expect(git(project.root, 'worktree', 'list', '--porcelain')).not.toContain('.hypervisor');
    expect(await readFile(join(project.root, 'two.txt'), 'utf8')).toBe('two\n');
  });

  it("resumes the agent's session on a retry in the phase's own folder, where the agent keeps its sessions", async () => {
    const bin = await mkdtemp(join(tmpdir(), 'kazuba-fake-claude-'));
    await chmod(FAKE_CLAUDE, 0o755);
    await symlink(FAKE_CLAUDE, join(bin, 'claude'));
    const project = await repoWith([{ id: 1, body: 'mode:edit:notes.txt', extra: ['validation_script: check.sh'] }]);
    // Fails the first attempt's validation, passes the second's.
    await writeFile(join(project.planDir, 'check.sh'), 'test "$HYPERVISOR_ATTEMPT" -gt 1\n');
    const state = await mkdtemp(join(tmpdir(), 'kazuba-claude-state-'));
    const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, FAKE_CLAUDE_RECORD: join(state, 'argv-{phase}.json'), FAKE_CLAUDE_STATE: state };
    const result = await runBuiltCli(['run', 'plan', '--retries', '1'], { cwd: project.root, env });
    expect(result.stderr).not.toContain('No conversation found');
    expect(result.status).toBe(0);
    const second = JSON.parse(await readFile(join(state, 'argv-1.json'), 'utf8')) as { resume: string | null; cwd: string };
    expect(second.resume).toBe('session-1-1');
    expect(second.cwd).toMatch(/\/\.hypervisor\/worktrees\/[^/]+\/phase-1$/);
    expect(git(project.root, 'show', 'HEAD:notes.txt')).toBe('written by fake claude (acceptEdits)');
    await Promise.all([bin, state].map((dir) => rm(dir, { recursive: true, force: true })));
  });
});
