import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { readCheckpoint } from '@kazuba/toon';
import { isCoreError } from '../core-error.js';
import { isPlanError } from '../plan/plan-error.js';
import { createPlanRun, runPlan } from './run-plan.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const plan = (...phases: Parameters<typeof writeShellPlan>[0]) => writeShellPlan(phases);

const ledgerLine = (id: number): string => `echo "${id},$HYPERVISOR_ATTEMPT" >> "$HYPERVISOR_ROOT/ledger"`;

describe('runPlan', () => {
  it('runs the phases in dependency order, writes checkpoints, logs and the run record', async () => {
    const { root, planDir } = await plan({ id: 1, run: ledgerLine(1) }, { id: 2, run: ledgerLine(2), dependsOn: [1] }, { id: 3, run: `${ledgerLine(3)}; echo done-3`, dependsOn: [2] });
    const summary = await runPlan(planDir, { root, runId: 'run-a' });
    expect(summary.outcome).toBe('succeeded');
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n2,1\n3,1\n');
    const { format, value } = await readCheckpoint(join(root, 'checkpoints/phase_03.toon'));
    expect(format).toBe('toon');
    expect(value).toMatchObject({ kind: 'kazuba.hypervisor.phase', phase_id: 3, status: 'success', attempts: 1, run_id: 'run-a', agent: { profile: 'shell', exit_code: 0 } });
    expect(await readFile(join(root, '.hypervisor/runs/run-a/phase-3.log'), 'utf8')).toContain('done-3');
    expect((await readCheckpoint(join(root, '.hypervisor/runs/run-a/run.toon'))).value).toMatchObject({ outcome: 'succeeded', phases: [{ phase_id: 1, status: 'success' }, { phase_id: 2, status: 'success' }, { phase_id: 3, status: 'success' }] });
  });

  it('resumes: a second run skips the completed phases and runs a phase whose file changed', async () => {
    const { root, planDir } = await plan({ id: 1, run: ledgerLine(1) }, { id: 2, run: ledgerLine(2), dependsOn: [1] });
    await runPlan(planDir, { root, runId: 'first' });
    const again = await runPlan(planDir, { root, runId: 'second' });
    expect(again.phases.map((phase) => [phase.phaseId, phase.status, phase.reason])).toEqual([[1, 'skipped', 'already complete'], [2, 'skipped', 'already complete']]);
    expect(again.outcome).toBe('succeeded');
    const file = join(planDir, '02-phase.md');
    await import('node:fs/promises').then((fs) => fs.appendFile(file, 'More work.\n'));
    const third = await runPlan(planDir, { root, runId: 'third' });
    expect(third.phases.map((phase) => phase.status)).toEqual(['skipped', 'success']);
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n2,1\n2,1\n');
    const forced = await runPlan(planDir, { root, runId: 'forced', config: { force: true } });
    expect(forced.phases.map((phase) => phase.status)).toEqual(['success', 'success']);
  });

  it("resumes from the breaker the previous run left open: nothing starts within the cool-down, a probe after it", async () => {
    const { root, planDir } = await plan({ id: 1, run: `${ledgerLine(1)}; test -f "$HYPERVISOR_ROOT/fixed"` }, { id: 2, run: ledgerLine(2) });
    const config = { maxRetries: 0, breaker: { threshold: 1, cooldownMs: 60_000 } };
    const recordOf = async (runId: string): Promise<Record<string, unknown>> => (await readCheckpoint(join(root, `.hypervisor/runs/${runId}/run.toon`))).value as Record<string, unknown>;
    const first = await runPlan(planDir, { root, runId: 'first', config });
    expect(first.phases.map((phase) => [phase.phaseId, phase.status, phase.reason])).toEqual([[1, 'failed', expect.any(String)], [2, 'skipped', 'circuit-open']]);
    const opened = await recordOf('first');
    expect(opened).toMatchObject({ breaker: 'opened', breaker_opened_at: expect.any(String) });

    const events = await lastValueFrom(createPlanRun(planDir, { root, runId: 'second', config }).pipe(toArray()));
    expect(events.find((event) => event.type === 'breaker:restored')).toMatchObject({ state: 'open', fromRunId: 'first', openedAt: Date.parse(opened['breaker_opened_at'] as string) });
    expect(events.at(-1)).toMatchObject({ type: 'run:finished', summary: { outcome: 'failed', phases: [{ reason: 'circuit-open' }, { reason: 'circuit-open' }] } });
    expect(await recordOf('second')).toMatchObject({ breaker: 'opened', breaker_opened_at: opened['breaker_opened_at'] });
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n');

    await writeFile(join(root, 'fixed'), '');
    const third = await runPlan(planDir, { root, runId: 'third', config: { ...config, breaker: { threshold: 1, cooldownMs: 1 } } });
    expect(third.phases.map((phase) => phase.status)).toEqual(['success', 'success']);
    expect(await recordOf('third')).toMatchObject({ breaker: 'closed' });
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n1,1\n2,1\n');
  });

  it('fails a phase whose validation script fails, and ends partial below the quality threshold', async () => {
    const { root, planDir } = await plan(
      { id: 1, run: 'true', validation: { file: 'check.sh', text: 'echo "checked"; exit 3\n' } },
      { id: 2, run: 'true', validation: { file: 'score.mjs', text: 'console.log(JSON.stringify({ quality: 40 }));\n' } },
    );
    const summary = await runPlan(planDir, { root, runId: 'v', config: { keepGoing: true, maxRetries: 0, qualityThreshold: 0.5 } });
    expect(summary.phases.map((phase) => phase.status)).toEqual(['failed', 'partial']);
    const failed = (await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).value;
    expect(failed).toMatchObject({ status: 'failed', validation: { script: 'validation/check.sh', passed: false, exit_code: 3 }, error: { code: 'validation_failed' } });
    expect(failed).not.toHaveProperty('quality');
  });

  it("carries the quality a validation script prints into phase:finished and the checkpoint; a phase without one has none", async () => {
    const { root, planDir } = await plan(
      { id: 1, run: 'true', validation: { file: 'score.sh', text: 'echo "checks passed"; echo \'{"quality": 85}\'\n' } },
      { id: 2, run: 'true', validation: { file: 'plain.sh', text: 'echo "checks passed"\n' } },
      { id: 3, run: 'true' },
    );
    const events = await lastValueFrom(createPlanRun(planDir, { root, runId: 'q' }).pipe(toArray()));
    const finished = events.flatMap((event) => (event.type === 'phase:finished' ? [[event.phaseId, event.status, event.quality]] : []));
    expect(finished).toEqual([
      [1, 'success', 0.85],
      [2, 'success', undefined],
      [3, 'success', undefined],
    ]);
    expect((await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ status: 'success', quality: 0.85 });
    for (const file of ['phase_02.toon', 'phase_03.toon']) expect((await readCheckpoint(join(root, 'checkpoints', file))).value).not.toHaveProperty('quality');
  });

  it('hands phases without a run: line to the named agent profile, in the given environment, and records the version', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'echo "$MARK" >> "$HYPERVISOR_ROOT/ledger"' }, { id: 2, dependsOn: [1] });
    const profiles = [{ name: 'note', command: '/bin/sh', args: ['-c', 'echo "agent,$1" >> "$HYPERVISOR_ROOT/ledger"', 'note', '{prompt}'], promptVia: 'argument' as const }];
    const summary = await runPlan(planDir, { root, runId: 'p', agent: 'note', profiles, env: { PATH: process.env['PATH'], MARK: 'marked' }, hypervisorVersion: '9.8.7' });
    expect(summary.outcome).toBe('succeeded');
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('marked\nagent,Work of phase 2.\n');
    expect((await readCheckpoint(join(root, 'checkpoints/phase_02.toon'))).value).toMatchObject({ agent: { profile: 'note' }, hypervisor_version: '9.8.7' });
  });

  it("routes phases to the agent of the first matching rule, a phase's own agent winning", async () => {
    const { root, planDir } = await plan(
      { id: 1, extra: 'tags: [db]' },
      { id: 2, extra: 'effort: XL', dependsOn: [1] },
      { id: 3, extra: 'agent: note-a\ntags: [db]', dependsOn: [2] },
      { id: 4, dependsOn: [3] },
    );
    const note = (name: string) => ({ name, command: '/bin/sh', args: ['-c', `echo "${name},$1" >> "$HYPERVISOR_ROOT/ledger"`, name, '{prompt}'], promptVia: 'argument' as const });
    const routing = [{ when: { tags: ['db'] }, agent: 'note-b' }, { when: { effort: 'XL' as const }, agent: 'note-c' }];
    const summary = await runPlan(planDir, { root, runId: 'r', agent: 'note-a', profiles: [note('note-a'), note('note-b'), note('note-c')], routing });
    expect(summary.outcome).toBe('succeeded');
    const ledger = ['note-b,Work of phase 1.', 'note-c,Work of phase 2.', 'note-a,Work of phase 3.', 'note-a,Work of phase 4.'];
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe(`${ledger.join('\n')}\n`);
  });

  it('refuses a routing rule that names an unknown agent before anything runs', async () => {
    const { root, planDir } = await plan({ id: 1, run: ledgerLine(1) });
    const error = await runPlan(planDir, { root, routing: [{ model: 'opus' }, { when: { group: 'api' }, agent: 'cursor' }] }).catch((caught: unknown) => caught);
    expect(isCoreError(error) && [error.code, error.message]).toEqual(['invalid_config', 'routing[1].agent: no agent profile "cursor" (known: claude, codex, gemini, shell)']);
    expect(existsSync(join(root, 'ledger'))).toBe(false);
  });

  it('writes the kazuba container when the config asks for it', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'true' });
    await runPlan(planDir, { root, runId: 'k', config: { checkpointFormat: 'kazuba' } });
    expect((await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).format).toBe('kazuba');
  });

  it('cancels on abort: the running phase is stopped, recorded cancelled, and no process is left', async () => {
    const { root, planDir } = await plan({ id: 1, run: `trap "" TERM; echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30 & wait` }, { id: 2, run: 'true', dependsOn: [1] });
    const controller = new AbortController();
    const events$ = createPlanRun(planDir, { root, runId: 'c', signal: controller.signal, killGraceMs: 200 });
    const pending = lastValueFrom(events$.pipe(toArray()));
    for (let i = 0; i < 200 && !existsSync(join(root, 'pid')); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    controller.abort();
    const events = await pending;
    const finished = events.flatMap((event) => (event.type === 'phase:finished' ? [[event.phaseId, event.status]] : [])).sort();
    expect(finished).toEqual([[1, 'cancelled'], [2, 'cancelled']]);
    expect(events.at(-1)).toMatchObject({ type: 'run:finished', summary: { outcome: 'cancelled' } });
    const pid = Number(await readFile(join(root, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ status: 'cancelled' });
    expect((await readCheckpoint(join(root, '.hypervisor/runs/c/run.toon'))).value).toMatchObject({ outcome: 'cancelled', phases: [{ status: 'cancelled' }, { status: 'cancelled' }] });
  });

  it('writes nothing in a dry run', async () => {
    const { root, planDir } = await plan({ id: 1, run: ledgerLine(1) });
    const summary = await runPlan(planDir, { root, config: { mode: 'dry_run' } });
    expect(summary.outcome).toBe('succeeded');
    expect(await readdir(root)).toEqual(['plan']);
  });

  it('rejects a bad plan with the PlanError', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'true', dependsOn: [7] });
    let error: unknown;
    await runPlan(planDir, { root }).catch((caught: unknown) => (error = caught));
    expect(isPlanError(error) && error.code).toBe('unknown_dependency');
  });
});
