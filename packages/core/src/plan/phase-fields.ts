import { z } from 'zod';

const text = z.string();
const id = z.int().nonnegative();

/** The T-shirt sizes a phase's `effort` may take, smallest first. */
export const EFFORTS = ['XS', 'S', 'M', 'L', 'XL'] as const;

/** One of {@link EFFORTS}. */
export type Effort = (typeof EFFORTS)[number];

/**
 * The front matter of a phase file (DESIGN.md section 3), snake_case as the plans write it. Fields it does not
 * name are kept as the phase's `extra`.
 */
export const phaseFrontMatterSchema = z.looseObject({
  phase: id,
  title: text.optional(),
  depends_on: z.array(id).default([]),
  parallel_group: text.nullable().default(null),
  validation_script: text.min(1).optional(),
  checkpoint: text.min(1).optional(),
  effort: z.enum(EFFORTS, { error: `expected one of ${EFFORTS.join(', ')}` }).optional(),
  estimated_tokens: z.int().nonnegative().optional(),
  estimated_minutes: z.number().positive().optional(),
  recovery_plan: text.optional(),
  agent_execution_spec: text.optional(),
  status: text.optional(),
  cross_refs: z.array(z.strictObject({ file: text, relation: text })).default([]),
  run: text.min(1).optional(),
  max_turns: z.int().positive().optional(),
  agent: text.min(1).optional(),
  model: text.min(1).optional(),
  allowed_tools: z.array(text.min(1)).optional(),
  tags: z.array(text.min(1)).optional(),
  can_skip: z.boolean().default(false),
  memory_mb: z.number().positive().optional(),
});

/** Fields real plans carry about the plan as a whole; known, shown, and not reported as unknown. */
const INFORMATIONAL_FIELDS: readonly string[] = ['plan', 'version', 'context_budget', 'type'];

/** Every front matter field the hypervisor knows. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([...Object.keys(phaseFrontMatterSchema.shape), ...INFORMATIONAL_FIELDS]);

/** Fields that only a phase has: a file with one of them but no `phase` is a broken phase, not an index. */
export const PHASE_ONLY_FIELDS: readonly string[] = [
  'depends_on',
  'parallel_group',
  'validation_script',
  'checkpoint',
  'estimated_tokens',
  'run',
  'recovery_plan',
];

/** The default checkpoint path of a phase: `checkpoints/phase_NN.toon`. */
export function defaultCheckpointPath(phaseId: number): string {
  return `checkpoints/phase_${String(phaseId).padStart(2, '0')}.toon`;
}
