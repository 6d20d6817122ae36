import type { Phase, Plan } from '@kazuba/core';
import { CliError } from './cli-error.js';
import type { PhaseSelection } from './run-options.js';

/** A plan cut down to the selected phases. */
export interface SelectedPlan {
  readonly plan: Plan;
  /** For each selected phase, the dependencies left out of the selection: the user takes them as done. */
  readonly assumedDone: ReadonlyMap<number, readonly number[]>;
}

function requireIds(plan: Plan, ids: readonly number[], flag: string): void {
  const unknown = ids.filter((id) => !plan.byId.has(id));
  if (unknown.length === 0) return;
  const known = plan.phases.map((phase) => phase.id).join(', ');
  throw new CliError('invalid_option', `${flag}: the plan has no phase ${unknown.join(', ')} (its phases: ${known})`);
}

/** The phase and every phase that depends on it, directly or not. */
function withDependents(plan: Plan, start: number): Set<number> {
  const selected = new Set([start]);
  // Phases come in id order, not dependency order: repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const phase of plan.phases) {
      if (!selected.has(phase.id) && phase.dependsOn.some((id) => selected.has(id))) {
        selected.add(phase.id);
        grew = true;
      }
    }
  }
  return selected;
}

/**
 * Cuts a plan down to the phases `--only` or `--from` select. Dependencies on phases left out are dropped
 * (and reported in `assumedDone`): asking for a phase by name means its prerequisites are taken as done.
 * Checkpoints still apply, so a selected phase that is already complete is skipped unless `--force`.
 * @throws CliError `invalid_option` naming the flag and the ids the plan does not have.
 * @example
 * selectPhases(plan, { kind: 'from', id: 3 }).plan.phases.map((phase) => phase.id); // [3, 4, 6]
 */
export function selectPhases(plan: Plan, selection: PhaseSelection): SelectedPlan {
  if (selection.kind === 'all') return { plan, assumedDone: new Map() };
  if (selection.kind === 'only') requireIds(plan, selection.ids, '--only');
  else requireIds(plan, [selection.id], '--from');
  const selected = selection.kind === 'only' ? new Set(selection.ids) : withDependents(plan, selection.id);
  const assumedDone = new Map<number, readonly number[]>();
  const phases: Phase[] = [];
  for (const phase of plan.phases) {
    if (!selected.has(phase.id)) continue;
    const outside = phase.dependsOn.filter((id) => !selected.has(id));
    if (outside.length > 0) assumedDone.set(phase.id, outside);
    phases.push(outside.length === 0 ? phase : Object.freeze({ ...phase, dependsOn: phase.dependsOn.filter((id) => selected.has(id)) }));
  }
  const cut: Plan = Object.freeze({
    name: plan.name,
    ...(plan.dir === undefined ? {} : { dir: plan.dir }),
    phases: Object.freeze(phases),
    byId: new Map(phases.map((phase) => [phase.id, phase])),
  });
  return { plan: cut, assumedDone };
}
