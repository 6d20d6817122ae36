import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { findSharedPlanDir } from './__fixtures__/plan-folders.js';
import { loadPlan } from './load-plan.js';
import type { Phase, Plan } from './plan.js';

// The real plan the hypervisor was written for: ../shared/fixtures/kazuba/plans-v2 beside the workspace.
const sharedDir = findSharedPlanDir();

const ids = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];

describe('loadPlan on the real plans-v2 plan', () => {
  if (sharedDir === undefined) {
    it.todo('loads ../shared/fixtures/kazuba/plans-v2 (absent from this checkout)');
    return;
  }
  const dir = sharedDir;
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlan(dir);
  });

  function phaseOf(id: number): Phase {
    const phase = plan.byId.get(id);
    if (phase === undefined) throw new Error(`plans-v2 has no phase ${id}`);
    return phase;
  }

  it('finds the 12 phases 11 to 22 and leaves out the index file', () => {
    expect(plan.name).toBe('plans-v2');
    expect(plan.phases.map((phase) => phase.id)).toEqual(ids);
    expect(plan.phases.map((phase) => phase.file)).not.toContain('00-index.md');
    expect(plan.phases[0]?.file).toBe('01-phase-shared-infrastructure.md');
    expect(plan.phases[11]?.file).toBe('12-phase-release-v0.2.0.md');
  });

  it('maps every front matter field of a phase', () => {
    expect(phaseOf(14)).toEqual({
      id: 14,
      title: 'Agent Triggers + Recovery Triggers',
      dependsOn: [11, 13],
      parallelGroup: 'triggers',
      validationScript: 'validation/validate_phase_14.py',
      checkpoint: 'checkpoints/phase_14.toon',
      prompt: expect.stringMatching(/^# Phase 14: Agent Triggers \+ Recovery Triggers\n\n\*\*Effort\*\*: M [^]*checkpoints\/phase_14\.toon`$/),
      canSkip: false,
      estimates: { effort: 'M', estimatedTokens: 10_000 },
      recoveryPlan: 'If trigger conditions fail: simplify to string-only conditions without eval',
      agentExecutionSpec: 'general-purpose with worktree isolation',
      status: 'pending',
      crossRefs: [
        { file: '01-phase-shared-infrastructure.md', relation: 'depends_on' },
        { file: '03-phase-core-governance-cila-formal.md', relation: 'depends_on' },
        { file: '05-phase-hypervisor-executable.md', relation: 'blocks' },
        { file: '09-phase-integration-presets-migration.md', relation: 'blocks' },
      ],
      extra: {},
      file: '04-phase-agent-triggers-recovery-triggers.md',
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('reads the dependencies and parallel groups of every phase', () => {
    expect(Object.fromEntries(plan.phases.map((phase) => [phase.id, [phase.dependsOn, phase.parallelGroup]]))).toEqual({
      11: [[], null],
      12: [[11], 'infra'],
      13: [[11], 'infra'],
      14: [[11, 13], 'triggers'],
      15: [[11, 14], null],
      16: [[11], 'hooks'],
      17: [[11, 16], 'hooks'],
      18: [[11, 15], null],
      19: [[11, 12, 13, 14, 15, 16, 17, 18], null],
      20: [[19], 'finalize'],
      21: [[19], 'finalize'],
      22: [[20, 21], null],
    });
  });

  it('reads the size hints of every phase, 140,000 tokens in all as the index says', () => {
    expect(plan.phases.map((phase) => phase.estimates)).toEqual(
      [
        ['M', 12_000],
        ['L', 15_000],
        ['M', 12_000],
        ['M', 10_000],
        ['L', 15_000],
        ['M', 12_000],
        ['L', 14_000],
        ['L', 15_000],
        ['M', 12_000],
        ['S', 8_000],
        ['M', 10_000],
        ['S', 5_000],
      ].map(([effort, estimatedTokens]) => ({ effort, estimatedTokens })),
    );
    expect(plan.phases.reduce((sum, phase) => sum + (phase.estimates.estimatedTokens ?? 0), 0)).toBe(140_000);
  });

  it('reads the validation script, checkpoint, status, recovery plan, agent spec and cross_refs of every phase', () => {
    for (const phase of plan.phases) {
      expect(phase.validationScript).toBe(`validation/validate_phase_${phase.id}.py`);
      expect(phase.checkpoint).toBe(`checkpoints/phase_${phase.id}.toon`);
      expect(phase.status).toBe('pending');
      expect(phase.recoveryPlan).toMatch(/^If /);
      expect(phase.agentExecutionSpec).toMatch(/^general-purpose/);
      expect(phase.canSkip).toBe(false);
      expect(phase.prompt.startsWith(`# Phase ${phase.id}: ${phase.title}\n`)).toBe(true);
    }
    expect(plan.phases.map((phase) => phase.crossRefs.length)).toEqual([8, 2, 3, 4, 4, 3, 3, 3, 10, 2, 2, 2]);
    expect(phaseOf(12).agentExecutionSpec).toBe('general-purpose with Rust toolchain');
  });

  it('keeps plan, version and context_budget out of extra, leaving it empty', () => {
    for (const phase of plan.phases) expect(phase.extra).toEqual({});
  });

  it('hashes each phase file as sha256, the same on every load and as hashPhaseSource gives', async () => {
    const again = await loadPlan(dir);
    const source = await readFile(join(dir, '07-phase-advanced-hooks-batch-2.md'), 'utf8');

    for (const phase of plan.phases) expect(phase.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(plan.phases.map((phase) => phase.hash)).size).toBe(12);
    expect(again.phases.map((phase) => phase.hash)).toEqual(plan.phases.map((phase) => phase.hash));
    expect(phaseOf(17).hash).toBe(hashPhaseSource(source));
  });

  it('returns the plan frozen', () => {
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.phases)).toBe(true);
    for (const phase of plan.phases) {
      expect(Object.isFrozen(phase)).toBe(true);
      expect(Object.isFrozen(phase.dependsOn)).toBe(true);
      expect(Object.isFrozen(phase.crossRefs)).toBe(true);
    }
    expect(() => (phaseOf(19).dependsOn as number[]).push(22)).toThrow(TypeError);
  });
});
