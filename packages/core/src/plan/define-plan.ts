import { z } from 'zod';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { assemblePlan } from './create-plan.js';
import { definedOnly } from './defined-only.js';
import { EFFORTS, defaultCheckpointPath } from './phase-fields.js';
import type { Phase, Plan } from './plan.js';
import type { PlanProblem } from './plan-error.js';

const id = z.int().nonnegative();

/** A phase of a plan built in code; the same fields as a phase file's front matter, in camelCase. */
export const phaseDefinitionSchema = z.strictObject({
  id,
  name: z.string().optional(),
  dependsOn: z.array(id).default([]),
  parallelGroup: z.string().nullable().default(null),
  validationScript: z.string().min(1).optional(),
  checkpoint: z.string().min(1).optional(),
  prompt: z.string().default(''),
  maxTurns: z.int().positive().optional(),
  agent: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  allowedTools: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string().min(1)).optional(),
  canSkip: z.boolean().default(false),
  run: z.string().min(1).optional(),
  estimates: z
    .strictObject({
      effort: z.enum(EFFORTS).optional(),
      estimatedTokens: z.int().nonnegative().optional(),
      durationMs: z.number().nonnegative().optional(),
    })
    .default({}),
  memoryMb: z.number().positive().optional(),
  recoveryPlan: z.string().optional(),
  agentExecutionSpec: z.string().optional(),
});

/** A phase as a caller writes it for {@link definePlan}: only `id` is required. */
export type PhaseDefinition = z.input<typeof phaseDefinitionSchema>;

function toPhase(definition: z.output<typeof phaseDefinitionSchema>): Phase {
  const { id: phaseId, name, dependsOn, parallelGroup, checkpoint, prompt, canSkip, estimates, ...optional } = definition;
  return {
    ...definedOnly(optional),
    id: phaseId,
    title: name ?? `Phase ${phaseId}`,
    dependsOn: [...new Set(dependsOn)],
    parallelGroup,
    checkpoint: checkpoint ?? defaultCheckpointPath(phaseId),
    prompt,
    canSkip,
    estimates: definedOnly(estimates),
    crossRefs: [],
    extra: {},
    hash: hashPhaseSource(JSON.stringify(definition)),
  };
}

/**
 * Builds a plan in code, validated like one loaded from files (fields, duplicates, dependencies, cycles).
 * The hash of each phase is that of its definition, so resume notices a changed definition.
 *
 * @throws PlanError listing every problem (`invalid_field`, `duplicate_phase_id`, `unknown_dependency`,
 *   `self_dependency`, `dependency_cycle`, `empty_plan`).
 * @example
 * const plan = definePlan([{ id: 1, run: 'npm ci' }, { id: 2, dependsOn: [1], run: 'npm test' }], { name: 'ci' });
 */
export function definePlan(phases: readonly PhaseDefinition[], options: { readonly name?: string } = {}): Plan {
  const valid: Phase[] = [];
  const problems: PlanProblem[] = [];
  const invalid = new Set<number>();
  phases.forEach((input, index) => {
    const result = phaseDefinitionSchema.safeParse(input);
    if (result.success) {
      valid.push(toPhase(result.data));
      return;
    }
    const id = phaseDefinitionSchema.shape.id.safeParse((input as { id?: unknown } | null)?.id);
    if (id.success) invalid.add(id.data);
    for (const issue of result.error.issues) {
      const field = [`phases[${index}]`, ...issue.path.map(String)].join('.');
      problems.push({ code: 'invalid_field', message: `${field}: ${issue.message}` });
    }
  });
  return assemblePlan(options.name ?? 'plan', valid, problems, undefined, invalid);
}
