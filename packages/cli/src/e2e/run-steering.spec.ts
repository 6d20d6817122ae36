import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { removePlans, writePlan } from './__fixtures__/run/write-plan.js';
import type { FixtureProject } from './__fixtures__/run/write-plan.js';

// The fake Claude Code streams stream-json messages, charges what a `mode:expensive:<usd>` prompt says, and keeps
// the sessions it issued under FAKE_CLAUDE_STATE so that `--resume` works as with the real CLI.
const FAKE_CLAUDE = fileURLToPath(new URL('../../../core/src/node/agents/__fixtures__/fake-claude.mjs', import.meta.url));
let bin: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'kazuba-fake-claude-'));
  await chmod(FAKE_CLAUDE, 0o755);
  await symlink(FAKE_CLAUDE, join(bin, 'claude'));
});

afterAll(removePlans);

async function run(project: FixtureProject, args: readonly string[]) {
  const state = join(project.root, 'claude-state');
  await mkdir(state, { recursive: true });
  const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, FAKE_CLAUDE_RECORD: join(project.root, 'argv-{phase}.json'), FAKE_CLAUDE_STATE: state };
  return runBuiltCli(['run', 'plan', ...args], { cwd: project.root, env });
}

describe('hypervisor run steering agents', () => {
  it('stops starting phases once the agents spent the budget, and says what was spent', async () => {
    const project = await writePlan([
      { id: 1, body: 'mode:expensive:2' },
      { id: 2, body: 'mode:expensive:2', dependsOn: [1] },
      { id: 3, body: 'mode:success', dependsOn: [2] },
    ]);
    const result = await run(project, ['--max-cost', '3']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('budget reached: $4.00 spent of $3.00; no new phase or retry starts, running phases finish\n');
    expect(result.stderr).toContain('- phase 3 (Phase 3) skipped: budget\n');
    expect(result.stderr).toMatch(/✗ run failed in \S+: 2 success, 1 skipped; \$4\.00 spent of a \$3\.00 budget\n/);
  });

  it("resumes the agent's session when a retry follows a failed validation, and shows each tool with --verbose", async () => {
    const project = await writePlan([{ id: 1, body: 'mode:edit:notes.txt', extra: ['validation_script: check.sh', 'recovery_plan: "Write notes.txt again."'] }]);
    // Fails the first attempt's validation, passes the second's.
    await writeFile(join(project.planDir, 'check.sh'), 'test "$HYPERVISOR_ATTEMPT" -gt 1\n');
    const result = await run(project, ['--retries', '1', '--verbose']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('· phase 1 (Phase 1) Write notes.txt\n');
    expect(result.stderr).toContain('▸ phase 1 (Phase 1) started, attempt 2, resuming the agent session\n');
    const second = JSON.parse(await readFile(join(project.root, 'argv-1.json'), 'utf8')) as { argv: string[]; resume: string | null; stdin: string };
    expect(second.resume).toBe('session-1-1');
    expect(second.argv).toEqual(expect.arrayContaining(['--resume', 'session-1-1']));
    expect(second.argv[1]).toMatch(/^The previous attempt failed: validation script check.sh failed with exit code 1[\s\S]*Recovery plan: Write notes.txt again\.$/);
  });

  it('starts a fresh session after a timeout', async () => {
    const project = await writePlan([{ id: 1, body: 'mode:slow:3000' }]);
    const result = await run(project, ['--retries', '1', '--timeout', '0.5']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('▸ phase 1 (Phase 1) started, attempt 2\n');
    const second = JSON.parse(await readFile(join(project.root, 'argv-1.json'), 'utf8')) as { resume: string | null };
    expect(second.resume).toBeNull();
  });
});
