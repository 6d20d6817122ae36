import { describe, expect, it } from '@jest/globals';
import { normalizeCheckpoint } from '@kazuba/toon';
import type { CheckpointView } from '@kazuba/toon';
import { hashPhaseSource } from './phase-hash.js';
import { decideResume } from './resume.js';

const source = '---\nphase: 11\ntitle: Shared Infrastructure\n---\nBuild the shared library.\n';
const hash = hashPhaseSource(source);

function ourCheckpoint(status: 'success' | 'failed' | 'running', phaseHash: string): CheckpointView {
  return normalizeCheckpoint({
    kind: 'kazuba.hypervisor.phase',
    schema_version: 1,
    phase_id: 11,
    phase_title: 'Shared Infrastructure',
    status,
    attempts: 1,
    started_at: '2026-03-01T03:20:00.000Z',
    phase_hash: phaseHash,
    hypervisor_version: '0.1.0',
    run_id: 'run-1',
  });
}

describe('hashPhaseSource', () => {
  it('gives a sha256 content hash that changes with the content', () => {
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashPhaseSource(`${source}More work.\n`)).not.toBe(hash);
  });

  it('ignores CRLF line endings', () => {
    expect(hashPhaseSource(source.replace(/\n/g, '\r\n'))).toBe(hash);
  });
});

describe('decideResume', () => {
  it('skips a phase whose checkpoint records success for the same phase file', () => {
    expect(decideResume(ourCheckpoint('success', hash), hash)).toEqual({ run: false, reason: 'completed' });
  });

  it('runs a phase without a checkpoint', () => {
    expect(decideResume(undefined, hash)).toEqual({ run: true, reason: 'no-checkpoint' });
  });

  it.each(['failed', 'running'] as const)('runs a phase whose checkpoint records %s', (status) => {
    expect(decideResume(ourCheckpoint(status, hash), hash)).toEqual({ run: true, reason: 'not-successful' });
  });

  it('runs a phase whose file changed since its successful run', () => {
    const edited = hashPhaseSource(`${source}Also document it.\n`);
    expect(decideResume(ourCheckpoint('success', hash), edited)).toEqual({ run: true, reason: 'phase-changed' });
  });

  it("counts a success recorded by the original's tooling, which has no hash", () => {
    const original = normalizeCheckpoint({ phase_id: 11, results: { overall: 'PASS' } });
    expect(decideResume(original, hash)).toEqual({ run: false, reason: 'completed' });
    const failed = normalizeCheckpoint({ phase_id: 11, results: { overall: 'FAIL' } });
    expect(decideResume(failed, hash).run).toBe(true);
  });
});
