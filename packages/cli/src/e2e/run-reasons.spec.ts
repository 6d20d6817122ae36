import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { learningEventSchema } from '@kazuba/bridge';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { removePlans, writePlan } from './__fixtures__/run/write-plan.js';

jest.setTimeout(30_000);
afterAll(removePlans);

// Fails with two lines on stderr, each ended by a line break, as a package manager's failure does.
const flaky = 'echo "installing (attempt $HYPERVISOR_ATTEMPT)"; echo "registry timed out" >&2; echo "npm ERR! code ETIMEDOUT" >&2; exit 1';
const reason = 'shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT';

describe('hypervisor run (the built command), failure reasons', () => {
  it('shows each reason on one line in the progress, the report and the learning events, and keeps the output whole in the log', async () => {
    const { root } = await writePlan([{ id: 3, title: 'Install backend dependencies', run: flaky }]);
    const result = await runBuiltCli(['run', 'plan', '--retries', '1'], { cwd: root });
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines.filter((line) => line.includes(' failed'))).toEqual([
      expect.stringMatching(new RegExp(`^↻ phase 3 \\(Install backend dependencies\\) attempt 1 failed \\(${escape(reason)}\\); retrying in \\S+$`)),
      expect.stringMatching(new RegExp(`^✗ phase 3 \\(Install backend dependencies\\) failed in \\S+ after 2 attempts: ${escape(reason)}$`)),
      expect.stringMatching(/^✗ run failed in \S+: 1 failed$/),
      expect.stringMatching(new RegExp(`^ {2}phase 3 \\(Install backend dependencies\\) failed: ${escape(reason)} \\(log: \\S+\\)$`)),
    ]);

    const learning = (await readFile(join(root, '.hypervisor', 'learning.jsonl'), 'utf8')).trimEnd().split('\n');
    const events = learning.map((line) => learningEventSchema.parse(JSON.parse(line)));
    expect(events.flatMap((event) => (event.metadata['reason'] === undefined ? [] : [[event.event_type, event.metadata['reason']]]))).toEqual([
      ['phase_retry', reason],
      ['phase_failed', reason],
    ]);

    const [run] = await readdir(join(root, '.hypervisor', 'runs'));
    const log = await readFile(join(root, '.hypervisor', 'runs', run ?? '', 'phase-3.log'), 'utf8');
    expect(log.split('--- stderr ---\nregistry timed out\nnpm ERR! code ETIMEDOUT\n')).toHaveLength(3);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
