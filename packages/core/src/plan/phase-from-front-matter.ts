import type { z } from 'zod';
import { definedOnly } from './defined-only.js';
import type { SplitPhaseFile } from './front-matter.js';
import { findPhaseLine, isPhaseFileName } from './phase-file-signs.js';
import { KNOWN_FIELDS, PHASE_ONLY_FIELDS, defaultCheckpointPath, phaseFrontMatterSchema } from './phase-fields.js';
import type { Phase } from './plan.js';
import type { PlanProblem } from './plan-error.js';

type FrontMatter = z.output<typeof phaseFrontMatterSchema>;

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? typeof value;
}

function toProblems(error: z.ZodError, split: SplitPhaseFile, file: string): PlanProblem[] {
  return error.issues.map((issue) => {
    const line = split.lineOf(issue.path as (string | number)[]);
    const at = line === undefined ? { file } : { file, line };
    if (issue.path[0] === 'phase') {
      return { code: 'invalid_phase_id', ...at, message: `phase must be a non-negative integer, got ${describe(split.data?.['phase'])}` };
    }
    return { code: 'invalid_field', ...at, message: `${issue.path.join('.')}: ${issue.message}` };
  });
}

function toPhase(fields: FrontMatter, split: SplitPhaseFile, file: string, hash: string): Phase {
  const extra = Object.fromEntries(Object.entries(fields).filter(([key]) => !KNOWN_FIELDS.has(key)));
  return {
    id: fields.phase,
    title: fields.title ?? `Phase ${fields.phase}`,
    dependsOn: [...new Set(fields.depends_on)],
    parallelGroup: fields.parallel_group,
    checkpoint: fields.checkpoint ?? defaultCheckpointPath(fields.phase),
    prompt: split.body.trim(),
    canSkip: fields.can_skip,
    estimates: definedOnly({
      effort: fields.effort,
      estimatedTokens: fields.estimated_tokens,
      durationMs: fields.estimated_minutes === undefined ? undefined : fields.estimated_minutes * 60_000,
    }),
    crossRefs: fields.cross_refs,
    extra,
    file,
    hash,
    ...definedOnly({
      validationScript: fields.validation_script,
      maxTurns: fields.max_turns,
      agent: fields.agent,
      model: fields.model,
      allowedTools: fields.allowed_tools,
      tags: fields.tags,
      run: fields.run,
      memoryMb: fields.memory_mb,
      recoveryPlan: fields.recovery_plan,
      agentExecutionSpec: fields.agent_execution_spec,
      status: fields.status,
      frontMatterAt: split.place,
    }),
  };
}

/** A file without front matter is not a phase, unless it looks like one: then it is a broken phase. */
function withoutFrontMatter(text: string, file: string): PlanProblem[] | undefined {
  const found = findPhaseLine(text);
  const fix = 'a phase file starts with a line ---, then its fields, then a line ---';
  if (found !== undefined) return [{ code: 'missing_front_matter', file, line: found.line, message: `\`phase:\` outside front matter: ${fix}` }];
  if (isPhaseFileName(file)) return [{ code: 'missing_front_matter', file, message: `named like a phase file, but has no front matter: ${fix}` }];
  return undefined;
}

/** Front matter without a `phase` is an index or notes file, unless it has phase fields or the file's name says phase. */
function withoutPhaseId(split: SplitPhaseFile, data: Readonly<Record<string, unknown>>, file: string): PlanProblem[] | undefined {
  const line = split.place?.line ?? 1;
  if (PHASE_ONLY_FIELDS.some((field) => field in data)) {
    return [{ code: 'missing_phase_id', file, line, message: 'phase fields without a phase id: add `phase: <integer>`' }];
  }
  if (isPhaseFileName(file)) {
    const message = 'named like a phase file, but its front matter has no phase id: add `phase: <integer>`, or `type: index` if it is not a phase';
    return [{ code: 'missing_phase_id', file, line, message }];
  }
  return undefined;
}

/**
 * Turns a split phase file into a phase. A file without front matter, marked `type: index`, or without a
 * `phase` and without any phase-only field is not a phase (undefined): plans keep index and notes files beside
 * their phases. A file with phase fields but no `phase` is a broken phase, and so is one that looks like a phase
 * file (named like one, or with a `phase:` line near its top) but has no front matter or no `phase` in it.
 */
export function phaseFromFile(split: SplitPhaseFile, file: string, hash: string): Phase | PlanProblem[] | undefined {
  const data = split.data;
  if (data === undefined) return withoutFrontMatter(split.body, file);
  if (data['type'] === 'index') return undefined;
  if (!('phase' in data)) return withoutPhaseId(split, data, file);
  const result = phaseFrontMatterSchema.safeParse(data);
  return result.success ? toPhase(result.data, split, file, hash) : toProblems(result.error, split, file);
}
