import { readFile, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { assemblePlan } from './create-plan.js';
import { splitPhaseFile } from './front-matter.js';
import { phaseFrontMatterSchema } from './phase-fields.js';
import { phaseFromFile } from './phase-from-front-matter.js';
import type { Phase, Plan } from './plan.js';
import { PlanError } from './plan-error.js';
import type { PlanProblem } from './plan-error.js';

/** Options of {@link loadPlan}. */
export interface LoadPlanOptions {
  /**
   * The plan's name in events and reports.
   * @default the folder's name
   */
  readonly name?: string;
}

async function listMarkdown(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // A linked phase file is still a phase file; a link that leads nowhere is reported when it is read.
    const candidates = entries.filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.md'));
    return candidates.map((entry) => entry.name).sort();
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message;
    throw new PlanError([{ code: 'unreadable_plan', message: `cannot read plan folder ${dir}: ${detail}` }], { cause: error });
  }
}

async function readPhaseFile(dir: string, file: string): Promise<string | PlanProblem> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { code: 'unreadable_plan', file, message: `cannot read the phase file: ${detail}` };
  }
}

/**
 * Reads a plan folder (DESIGN.md section 3): every `*.md` whose front matter has a `phase` is a phase, its
 * markdown body is the prompt, and its content hash is recorded for resume. Validates fields and the graph and
 * reports every problem at once.
 *
 * @throws PlanError with a code per problem (`malformed_yaml`, `unclosed_front_matter`, `missing_phase_id`,
 *   `invalid_phase_id`, `invalid_field`, `duplicate_phase_id`, `unknown_dependency`, `self_dependency`,
 *   `dependency_cycle`, `empty_plan`, `unreadable_plan` for a folder or phase file it cannot read), each naming its
 *   file and line where known.
 * @example
 * const plan = await loadPlan('plans/v2');
 * plan.phases.map((phase) => phase.id); // [11, 12, …, 22]
 */
export async function loadPlan(dir: string, options: LoadPlanOptions = {}): Promise<Plan> {
  const files = await listMarkdown(dir);
  const texts = await Promise.all(files.map((file) => readPhaseFile(dir, file)));
  const phases: Phase[] = [];
  const problems: PlanProblem[] = [];
  const invalid = new Set<number>();
  files.forEach((file, index) => {
    const text = texts[index] as string | PlanProblem;
    if (typeof text !== 'string') {
      problems.push(text);
      return;
    }
    const split = splitPhaseFile(text, file);
    if ('code' in split) {
      problems.push(split);
      return;
    }
    const phase = phaseFromFile(split, file, hashPhaseSource(text));
    if (Array.isArray(phase)) {
      problems.push(...phase);
      const id = phaseFrontMatterSchema.shape.phase.safeParse(split.data?.['phase']);
      if (id.success) invalid.add(id.data);
    } else if (phase !== undefined) {
      phases.push(phase);
    }
  });
  return assemblePlan(options.name ?? basename(resolve(dir)), phases, problems, dir, invalid);
}
