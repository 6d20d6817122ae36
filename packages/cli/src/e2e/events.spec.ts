import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';

afterAll(removeScratchDirs);

describe('hypervisor events (built)', () => {
  it('prints stats as text and as JSON that parses', async () => {
    const text = await runBuilt(['events', 'stats', '--events', 'learning.jsonl'], FIXTURES);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  phases failed     1\n');
    const json = await runBuilt(['events', 'stats', '--events', 'learning.jsonl', '--json'], FIXTURES);
    expect(JSON.parse(json.stdout)).toMatchObject({ events: 11, succeeded: 2, failed: 1, retried: 1 });
  });

  it('exports TOON and JSONL files', async () => {
    const dir = await scratchDir();
    const events = join(FIXTURES, 'learning.jsonl');
    expect((await runBuilt(['events', 'export', '--to', 'toon', 'events.toon', '--events', events], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'events.toon'), 'utf8')).toMatch(/^events\[11\]\{event_type,phase_id,/);
    expect((await runBuilt(['events', 'export', '--to', 'jsonl', 'events.jsonl', '--events', events], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'events.jsonl'), 'utf8')).toBe(await readFile(events, 'utf8'));
  });

  it('exits 2 in one line for a missing events file and, with --strict, for a torn one', async () => {
    const dir = await scratchDir();
    const missing = await runBuilt(['events', 'stats'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^hypervisor: .*\.hypervisor\/learning\.jsonl: no such learning events file; [^\n]*\n$/);
    const torn = await runBuilt(['events', 'stats', '--events', join(FIXTURES, 'learning-torn.jsonl'), '--strict'], dir);
    expect(torn.code).toBe(2);
    expect(torn.stderr.split('\n')).toHaveLength(2);
  });
});
