import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { removePlans, writePlan } from './__fixtures__/run/write-plan.js';
import type { FixtureProject } from './__fixtures__/run/write-plan.js';

// A stand-in for Claude Code that honours --permission-mode, --model and the tool lists, and records its argv.
const FAKE_CLAUDE = fileURLToPath(new URL('../../../core/src/node/agents/__fixtures__/fake-claude.mjs', import.meta.url));
let bin: string;

beforeAll(async () => {
  const project = await writePlan([{ id: 1, run: 'true' }]);
  bin = join(project.root, 'bin');
  await mkdir(bin);
  await chmod(FAKE_CLAUDE, 0o755);
  await symlink(FAKE_CLAUDE, join(bin, 'claude'));
});

afterAll(removePlans);

function run(project: FixtureProject, args: readonly string[], path = `${bin}:${process.env['PATH'] ?? ''}`) {
  return runBuiltCli(['run', 'plan', '--retries', '2', ...args], { cwd: project.root, env: { PATH: path, FAKE_CLAUDE_RECORD: join(project.root, 'argv-{phase}.json') } });
}

async function argvOf(project: FixtureProject, phase: number): Promise<string[]> {
  return (JSON.parse(await readFile(join(project.root, `argv-${phase}.json`), 'utf8')) as { argv: string[] }).argv;
}

describe('hypervisor run with Claude Code', () => {
  it('lets the agent edit by default: acceptEdits reaches the CLI and the edit lands', async () => {
    const project = await writePlan([{ id: 1, body: 'mode:edit:notes.txt' }]);
    const result = await run(project, []);
    expect(result.status).toBe(0);
    expect(await argvOf(project, 1)).toEqual(['-p', 'mode:edit:notes.txt', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits']);
    await expect(readFile(join(project.root, 'notes.txt'), 'utf8')).resolves.toContain('acceptEdits');
  });

  it("takes the phase's own agent and model, the config file's profiles, and the flags over the config", async () => {
    const project = await writePlan([
      { id: 1, body: 'mode:success', extra: ['model: haiku'] },
      { id: 2, body: 'mode:success', dependsOn: [1], extra: ['agent: reviewer', 'max_turns: 5'] },
      { id: 3, body: 'mode:success', dependsOn: [2] },
    ]);
    const config = ['agents:', '  claude:', '    model: sonnet', '  reviewer:', '    extends: claude', '    model: opus', '    permissionMode: plan', ''];
    await writeFile(join(project.root, 'hypervisor.config.yaml'), config.join('\n'));
    expect((await run(project, ['--permission-mode', 'dontAsk'])).status).toBe(0);
    expect(await argvOf(project, 1)).toEqual(expect.arrayContaining(['--model', 'haiku', '--permission-mode', 'dontAsk']));
    expect(await argvOf(project, 2)).toEqual(expect.arrayContaining(['--model', 'opus', '--permission-mode', 'plan', '--max-turns', '5']));
    expect(await argvOf(project, 3)).toEqual(expect.arrayContaining(['--model', 'sonnet', '--permission-mode', 'dontAsk']));
  });

  it('stops the run at once when claude is not logged in: no retry, the rest skipped, one line that says what to do', async () => {
    const project = await writePlan([{ id: 1, body: 'mode:not_logged_in' }, { id: 2, body: 'mode:success', dependsOn: [1] }, { id: 3, run: 'true' }]);
    const result = await run(project, []);
    expect(result.status).toBe(1);
    const stopped = result.stderr.split('\n').filter((line) => line.startsWith('stopped: '));
    expect(stopped).toEqual(['stopped: phase 1: claude is not logged in: run `claude` once and log in with /login, or set ANTHROPIC_API_KEY (it said: Not logged in · Please run /login)']);
    expect(result.stderr).not.toContain('retrying');
    expect(result.stderr).not.toMatch(/reported success|answered with success/);
    expect(result.stderr).toContain('phase 2 (Phase 2) skipped: stopped: phase 1 not_logged_in');
  });

  it('says how to install claude when it is not on PATH, and stops', async () => {
    const project = await writePlan([{ id: 1, body: 'mode:success' }, { id: 2, run: 'true' }]);
    const result = await run(project, [], '/usr/bin:/bin');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('stopped: phase 1: cannot start claude: claude is not on PATH or not executable (ENOENT): install it (npm install -g @anthropic-ai/claude-code)');
    expect(result.stderr).toContain('phase 2 (Phase 2) skipped');
  });

  it("reports the tools the agent was denied, and ends a phase denied an edit partial", async () => {
    const project = await writePlan([{ id: 1, body: 'mode:edit:x.txt' }, { id: 2, body: 'mode:bash:ls', dependsOn: [] }]);
    const result = await run(project, ['--permission-mode', 'default', '--keep-going']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('~ phase 1 (Phase 1) partial in');
    expect(result.stderr).toContain(': claude was denied Write (permission mode default)');
    expect(result.stderr).toMatch(/✓ phase 2 \(Phase 2\) succeeded in \S+ \(the agent was denied Bash\)/);
  });

  it('refuses a bad config file and a bad agent flag with one line, exit 2, before anything runs', async () => {
    const project = await writePlan([{ id: 1, run: 'touch ran' }]);
    await writeFile(join(project.root, 'hypervisor.config.yaml'), 'run:\n  worker: 2\n');
    const badConfig = await run(project, []);
    expect(badConfig).toMatchObject({ status: 2, stderr: 'hypervisor: hypervisor.config.yaml:2: run.worker: unknown setting (did you mean "workers"?)\n' });
    await writeFile(join(project.root, 'hypervisor.config.yaml'), 'run:\n  workers: 2\n');
    const badFlag = await run(project, ['--permission-mode', 'yolo']);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toBe(
      'hypervisor: --permission-mode: "yolo" is not a claude permission mode (one of: acceptEdits, default, plan, dontAsk, auto, bypassPermissions)\n',
    );
    await expect(readFile(join(project.root, 'ran'))).rejects.toThrow();
  });
});
