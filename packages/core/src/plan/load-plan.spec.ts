import { readFile, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { companionPlanDir, createTempPlans, phaseFile } from './__fixtures__/plan-folders.js';
import { loadPlan } from './load-plan.js';
import type { Phase, Plan } from './plan.js';

const plans = createTempPlans();
afterAll(() => plans.removeAll());

function phaseOf(plan: Plan, id: number): Phase {
  const phase = plan.byId.get(id);
  if (phase === undefined) throw new Error(`plan ${plan.name} has no phase ${id}`);
  return phase;
}

describe('loadPlan', () => {
  describe('on the companion plan', () => {
    it('reads every phase file in id order, leaving out the index, notes, non-markdown files and subfolders', async () => {
      const plan = await loadPlan(companionPlanDir);

      expect(plan.phases.map((phase) => phase.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(plan.phases.map((phase) => phase.file)).toEqual(['01-setup.md', '02-api.md', '03-ui.md', '04-integrate.md', '05-docs.md', '06-release.md']);
      expect([...plan.byId.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('maps every front matter field of a phase file to the phase', async () => {
      const plan = await loadPlan(companionPlanDir);

      expect(phaseOf(plan, 1)).toEqual({
        id: 1,
        title: 'Set up the workspace',
        dependsOn: [],
        parallelGroup: null,
        validationScript: 'validation/validate_phase_01.sh',
        checkpoint: 'checkpoints/phase_01.toon',
        prompt: '# Phase 1: Set up the workspace\n\nCreate the workspace and install the tools.',
        canSkip: false,
        estimates: { effort: 'S', estimatedTokens: 3000 },
        recoveryPlan: 'If the install fails: clear the cache and retry once',
        agentExecutionSpec: 'general-purpose with worktree isolation',
        status: 'done',
        crossRefs: [
          { file: '02-api.md', relation: 'blocks' },
          { file: '03-ui.md', relation: 'blocks' },
        ],
        extra: {},
        file: '01-setup.md',
        hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
    });

    it('maps the fields of plans that need no agent and fills in what a phase file leaves out', async () => {
      const plan = await loadPlan(companionPlanDir);

      expect(phaseOf(plan, 4)).toEqual({
        id: 4,
        title: 'Integrate',
        dependsOn: [3, 2],
        parallelGroup: null,
        checkpoint: 'checkpoints/phase_04.toon',
        prompt: 'Wire the API and the UI together.',
        maxTurns: 12,
        canSkip: true,
        run: 'npm run integrate',
        estimates: { durationMs: 90_000 },
        memoryMb: 512,
        crossRefs: [],
        extra: { owner: 'ana' },
        file: '04-integrate.md',
        hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      expect(Object.keys(phaseOf(plan, 4))).not.toContain('validationScript');
    });

    it('keeps unknown fields in extra, but not the plan-wide plan, version and context_budget', async () => {
      const plan = await loadPlan(companionPlanDir);

      expect(plan.phases.map((phase) => phase.extra)).toEqual([{}, {}, {}, { owner: 'ana' }, {}, {}]);
    });

    it('records for each phase the sha256 content hash of its file, the same on every load', async () => {
      const [first, second] = await Promise.all([loadPlan(companionPlanDir), loadPlan(companionPlanDir)]);
      const source = await readFile(join(companionPlanDir, '02-api.md'), 'utf8');

      expect(phaseOf(first, 2).hash).toBe(hashPhaseSource(source));
      expect(second.phases.map((phase) => phase.hash)).toEqual(first.phases.map((phase) => phase.hash));
      expect(new Set(first.phases.map((phase) => phase.hash)).size).toBe(6);
    });

    it('names the plan after its folder and remembers the folder as given', async () => {
      const plan = await loadPlan(companionPlanDir);

      expect(plan.name).toBe('companion-plan');
      expect(plan.dir).toBe(companionPlanDir);
    });

    it('uses the name it is given instead of the folder name', async () => {
      const plan = await loadPlan(companionPlanDir, { name: 'demo' });

      expect(plan.name).toBe('demo');
    });

    it('returns a plan frozen all the way down', async () => {
      const plan = await loadPlan(companionPlanDir);
      const setup = phaseOf(plan, 1);
      const integrate = phaseOf(plan, 4);

      for (const part of [plan, plan.phases, setup, setup.dependsOn, setup.estimates, setup.crossRefs, setup.crossRefs[0], integrate.extra]) {
        expect(Object.isFrozen(part)).toBe(true);
      }
      expect(() => (plan.phases as Phase[]).pop()).toThrow(TypeError);
      expect(() => Object.assign(setup, { title: 'changed' })).toThrow(TypeError);
      expect(() => Object.assign(integrate.extra, { owner: 'bob' })).toThrow(TypeError);
    });
  });

  describe('on files that are not phases', () => {
    it('ignores a file without front matter, even one with a --- line further down', async () => {
      const dir = await plans.write({
        'a.md': phaseFile(['phase: 1']),
        'b.md': '# Title\n\n---\ntitle: Notes\n---\n',
      });

      const plan = await loadPlan(dir);

      expect(plan.phases.map((phase) => phase.file)).toEqual(['a.md']);
    });

    it('ignores a file marked type: index, even when it carries a phase', async () => {
      const dir = await plans.write({
        '00-index.md': phaseFile(['type: index', 'phase: 0', 'total_phases: 1']),
        'a.md': phaseFile(['phase: 1']),
      });

      const plan = await loadPlan(dir);

      expect(plan.phases.map((phase) => phase.id)).toEqual([1]);
    });

    it('ignores front matter without any phase field, such as a notes file, and empty front matter', async () => {
      const dir = await plans.write({
        'a.md': phaseFile(['phase: 1']),
        'notes.md': phaseFile(['title: Notes', 'effort: L', 'tags: [a, b]']),
        'empty.md': phaseFile([]),
      });

      const plan = await loadPlan(dir);

      expect(plan.phases.map((phase) => phase.file)).toEqual(['a.md']);
    });
  });

  describe('on the bytes of a file', () => {
    it('reads a CRLF file like its LF twin, with the same prompt and hash', async () => {
      const text = phaseFile(['phase: 1', 'title: "Windows"', 'depends_on: []'], 'Line one.\n\nLine two.');
      const lf = await loadPlan(await plans.write({ 'a.md': text }));
      const crlf = await loadPlan(await plans.write({ 'a.md': text.replace(/\n/g, '\r\n') }));

      expect(phaseOf(crlf, 1)).toEqual(phaseOf(lf, 1));
      expect(phaseOf(crlf, 1).prompt).toBe('Line one.\n\nLine two.');
    });

    it('reads a file that starts with a byte order mark', async () => {
      const dir = await plans.write({ 'a.md': `\uFEFF${phaseFile(['phase: 1', 'title: "BOM"'])}` });

      const plan = await loadPlan(dir);

      expect(phaseOf(plan, 1).title).toBe('BOM');
    });

    it('trims the body to make the prompt and keeps later --- lines in it', async () => {
      const dir = await plans.write({ 'a.md': phaseFile(['phase: 1'], '\n\n  Step one.\n\n---\n\nStep two.  \n\n') });

      const plan = await loadPlan(dir);

      expect(phaseOf(plan, 1).prompt).toBe('Step one.\n\n---\n\nStep two.');
    });

    it('gives a phase with front matter only an empty prompt', async () => {
      const dir = await plans.write({ 'a.md': '---\nphase: 1\n---' });

      const plan = await loadPlan(dir);

      expect(phaseOf(plan, 1).prompt).toBe('');
    });

    it('does not let a __proto__ key change prototypes or slip fields past validation', async () => {
      const dir = await plans.write({ 'a.md': phaseFile(['phase: 1', '__proto__: {title: 123, max_turns: "lots", polluted: true}']) });

      const plan = await loadPlan(dir);
      const phase = phaseOf(plan, 1);

      expect(phase.title).toBe('Phase 1');
      expect(phase.maxTurns).toBeUndefined();
      expect(Object.getPrototypeOf(phase.extra)).toBe(Object.prototype);
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    });
  });

  describe('on defaults', () => {
    it('titles a phase without a title after its id and gives it checkpoints/phase_NN.toon', async () => {
      const dir = await plans.write({ 'a.md': phaseFile(['phase: 0']), 'b.md': phaseFile(['phase: 7']), 'c.md': phaseFile(['phase: 123']) });

      const plan = await loadPlan(dir);

      expect(plan.phases.map((phase) => [phase.title, phase.checkpoint])).toEqual([
        ['Phase 0', 'checkpoints/phase_00.toon'],
        ['Phase 7', 'checkpoints/phase_07.toon'],
        ['Phase 123', 'checkpoints/phase_123.toon'],
      ]);
    });

    it('gives a phase that says nothing else no dependencies, no group, no cross_refs and canSkip false', async () => {
      const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });

      const plan = await loadPlan(dir);

      expect(phaseOf(plan, 1)).toEqual({
        id: 1,
        title: 'Phase 1',
        dependsOn: [],
        parallelGroup: null,
        checkpoint: 'checkpoints/phase_01.toon',
        prompt: 'Do the work.',
        canSkip: false,
        estimates: {},
        crossRefs: [],
        extra: {},
        file: 'a.md',
        hash: hashPhaseSource(phaseFile(['phase: 1'])),
      });
    });

    it('names a plan loaded through a relative path after the folder it resolves to', async () => {
      const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const plan = await loadPlan('.');

        expect(plan.name).toBe(basename(dir));
        expect(plan.dir).toBe('.');
      } finally {
        process.chdir(cwd);
      }
    });
  });

  it('reads a phase file that is a symbolic link', async () => {
    const target = await plans.write({ 'real.md': phaseFile(['phase: 3', 'title: "Linked"']) });
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });
    await symlink(join(target, 'real.md'), join(dir, 'b.md'));

    const plan = await loadPlan(dir);

    expect(plan.phases.map((phase) => [phase.id, phase.file, phase.title])).toEqual([
      [1, 'a.md', 'Phase 1'],
      [3, 'b.md', 'Linked'],
    ]);
  });
});
