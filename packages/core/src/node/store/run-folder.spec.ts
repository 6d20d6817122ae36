import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { createRunId, runFolder, runsFolder } from './run-folder.js';

describe('run folders', () => {
  it('puts each run in its own folder under .hypervisor/runs', () => {
    expect(runsFolder('/repo')).toBe(join('/repo', '.hypervisor', 'runs'));
    expect(runFolder('/repo', 'run-1')).toBe(join('/repo', '.hypervisor', 'runs', 'run-1'));
  });

  it('keeps a run id that names another folder inside the runs folder', () => {
    expect(['../up', '..', '.', 'a/b', 'x y'].map((runId) => runFolder('/repo', runId))).toEqual(
      ['.._up', '__', '_', 'a_b', 'x_y'].map((name) => join('/repo', '.hypervisor', 'runs', name)),
    );
  });

  it('makes run ids from the UTC time and a random suffix', () => {
    const ids = [createRunId(), createRunId()];
    for (const id of ids) expect(id).toMatch(/^run-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
