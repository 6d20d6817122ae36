import { posix } from 'node:path';
import type { Phase, Plan } from './plan.js';

/** Every kind of {@link PlanWarning}: things a plan may do on purpose, but usually does by mistake. */
export const PLAN_WARNING_CODES = [
  'checkpoint_collision',
  'cross_ref_contradicts_depends_on',
  'cross_ref_unknown_file',
  'group_member_dependency',
  'misplaced_front_matter',
  'missing_validation_script',
  'unknown_field',
] as const;

/** The closed set of {@link PlanWarning} codes. */
export type PlanWarningCode = (typeof PLAN_WARNING_CODES)[number];

/** Something questionable about a valid plan, reported by {@link lintPlan}; it does not stop a run. */
export interface PlanWarning {
  readonly code: PlanWarningCode;
  /** The phase the warning is about. */
  readonly phaseId: number;
  /** That phase's file, relative to the plan folder; absent for phases defined in code. */
  readonly file?: string;
  /** One line, starting with the file when the phase has one. */
  readonly message: string;
}

type Draft = Omit<PlanWarning, 'phaseId' | 'file'>;

function warn(phase: Phase, draft: Draft): PlanWarning {
  const where = phase.file === undefined ? '' : `${phase.file}: `;
  return { code: draft.code, phaseId: phase.id, ...(phase.file === undefined ? {} : { file: phase.file }), message: `${where}${draft.message}` };
}

function named(phase: Phase): string {
  return phase.file === undefined ? `phase ${phase.id}` : `phase ${phase.id} (${phase.file})`;
}

function crossRefWarnings(phase: Phase, byFile: ReadonlyMap<string, Phase>): Draft[] {
  const drafts: Draft[] = [];
  for (const ref of phase.crossRefs) {
    const target = byFile.get(posix.normalize(ref.file));
    if (target === undefined) {
      drafts.push({ code: 'cross_ref_unknown_file', message: `cross_refs names ${JSON.stringify(ref.file)}, which is not a phase file of the plan` });
    } else if (ref.relation === 'depends_on' && !phase.dependsOn.includes(target.id)) {
      const message = `cross_refs says phase ${phase.id} depends on ${named(target)}, but its depends_on does not list ${target.id}`;
      drafts.push({ code: 'cross_ref_contradicts_depends_on', message });
    } else if (ref.relation === 'blocks' && !target.dependsOn.includes(phase.id)) {
      const message = `cross_refs says phase ${phase.id} blocks ${named(target)}, but phase ${target.id} does not depend on ${phase.id}`;
      drafts.push({ code: 'cross_ref_contradicts_depends_on', message });
    }
  }
  return drafts;
}

// Breadth-first along depends_on, so the path reported for a transitive dependency is a shortest one.
function groupWarnings(phase: Phase, plan: Plan): Draft[] {
  const group = phase.parallelGroup;
  if (group === null) return [];
  const reachedFrom = new Map<number, number>([[phase.id, phase.id]]);
  const queue = [phase.id];
  const drafts: Draft[] = [];
  for (const id of queue) {
    for (const dependency of [...(plan.byId.get(id)?.dependsOn ?? [])].sort((a, b) => a - b)) {
      if (reachedFrom.has(dependency)) continue;
      reachedFrom.set(dependency, id);
      queue.push(dependency);
      const other = plan.byId.get(dependency);
      if (other?.parallelGroup !== group) continue;
      const through: number[] = [];
      for (let at = id; at !== phase.id; at = reachedFrom.get(at) as number) through.unshift(at);
      const how = through.length === 0 ? '' : ` through ${through.join(' -> ')}`;
      const message = `phase ${phase.id} shares parallel_group ${JSON.stringify(group)} with ${named(other)} but depends on it${how}`;
      drafts.push({ code: 'group_member_dependency', message });
    }
  }
  return drafts;
}

function placeWarnings(phase: Phase): Draft[] {
  const at = phase.frontMatterAt;
  if (at === undefined) return [];
  const indented = `indented by ${at.indent} character${at.indent === 1 ? '' : 's'}`;
  const where = at.line === 1 ? `is ${indented}` : `starts on line ${at.line}${at.indent === 0 ? '' : `, ${indented}`}`;
  const fix = [at.line === 1 ? '' : 'remove the lines before it', at.indent === 0 ? '' : 'unindent it'].filter(Boolean).join(' and ');
  return [{ code: 'misplaced_front_matter', message: `front matter ${where} (read as if it started the file, but other tools will not see it): ${fix}` }];
}

function fieldWarnings(phase: Phase): Draft[] {
  const drafts: Draft[] = Object.keys(phase.extra).map((field) => ({
    code: 'unknown_field',
    message: `unknown front matter field ${JSON.stringify(field)} (kept, but the hypervisor ignores it)`,
  }));
  if (phase.validationScript === undefined) {
    drafts.push({ code: 'missing_validation_script', message: `phase ${phase.id} has no validation_script: nothing checks its work` });
  }
  return drafts;
}

function checkpointWarnings(plan: Plan): PlanWarning[] {
  const owners = new Map<string, Phase>();
  const warnings: PlanWarning[] = [];
  for (const phase of plan.phases) {
    const path = posix.normalize(phase.checkpoint);
    const owner = owners.get(path);
    if (owner === undefined) {
      owners.set(path, phase);
      continue;
    }
    const message = `phase ${phase.id} writes checkpoint ${JSON.stringify(phase.checkpoint)}, as ${named(owner)} does`;
    warnings.push(warn(phase, { code: 'checkpoint_collision', message }));
  }
  return warnings;
}

/**
 * Looks for what a valid plan probably did not mean: `cross_refs` that contradict `depends_on` (or name a file
 * that is not a phase), phases of one `parallel_group` that depend on each other (directly or through other
 * phases; the later one is named), front matter that does not start the file (indented, as the original's v1
 * generator wrote it, or after blank lines), front matter fields the hypervisor does not know, phases without a
 * `validation_script`, and phases sharing a checkpoint path (the later one is named, with the first). Pure: reads
 * only the plan, never the file system.
 *
 * @returns the warnings, frozen, sorted by phase id, then code.
 * @example
 * const warnings = lintPlan(await loadPlan('plans/v2'));
 * // [{ code: 'group_member_dependency', phaseId: 17, file: '07-phase-advanced-hooks-batch-2.md',
 * //    message: '07-phase-advanced-hooks-batch-2.md: phase 17 shares parallel_group "hooks" with phase 16 (…) but depends on it' }]
 */
export function lintPlan(plan: Plan): readonly PlanWarning[] {
  const byFile = new Map<string, Phase>();
  for (const phase of plan.phases) if (phase.file !== undefined) byFile.set(posix.normalize(phase.file), phase);
  const warnings = plan.phases.flatMap((phase) =>
    [...crossRefWarnings(phase, byFile), ...groupWarnings(phase, plan), ...placeWarnings(phase), ...fieldWarnings(phase)].map((draft) => warn(phase, draft)),
  );
  warnings.push(...checkpointWarnings(plan));
  // Array.prototype.sort is stable: warnings of one phase and code keep the order they were found in.
  warnings.sort((a, b) => a.phaseId - b.phaseId || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return Object.freeze(warnings.map((warning) => Object.freeze(warning)));
}
