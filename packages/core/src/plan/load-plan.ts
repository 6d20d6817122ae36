import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { openStampIndex, stampIndexPath } from '../file-cache/stamp-index.js';
import type { StampIndex } from '../file-cache/stamp-index.js';
import { assemblePlan } from './create-plan.js';
import { splitPhaseFile } from './front-matter.js';
import { findPhaseLine } from './phase-file-signs.js';
import { phaseFrontMatterSchema } from './phase-fields.js';
import { phaseFromFile } from './phase-from-front-matter.js';
import type { Phase, Plan } from './plan.js';
import { PlanError } from './plan-error.js';
import type { PlanProblem } from './plan-error.js';
import { readPhaseFile } from './read-phase-file.js';

/** Options of {@link loadPlan}. */
export interface LoadPlanOptions {
  /**
   * The plan's name in events and reports.
   * @default the folder's name
   */
  readonly name?: string;
  /**
   * A folder where the plan's index is kept (`runPlan` and the CLI use `<root>/.hypervisor/index`): each phase file
   * as last parsed, with its size, times, inode and device, so that a file whose `stat` is unchanged is not read
   * and parsed again. Only a cache: deleting the folder, or a corrupt index, changes nothing but the time taken.
   * @default no index: every file is read
   */
  readonly indexDir?: string;
}

/** What the index keeps of a file that was read without problems: its phase, or null for a file that is none. */
type IndexedOutcome = Phase | null;

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

/** What one markdown file of the folder gives: a phase, nothing (a notes or index file), or its problems. */
interface FileOutcome {
  readonly phase?: Phase;
  readonly problems: readonly PlanProblem[];
  /** The id of a broken phase, when it can be told, so that its dependents are not told it is absent. */
  readonly brokenId?: number;
}

function readPhase(text: string, file: string): FileOutcome {
  const split = splitPhaseFile(text, file);
  if ('code' in split) return { problems: [split], ...definedId(findPhaseLine(text)?.id) };
  const phase = phaseFromFile(split, file, hashPhaseSource(text));
  if (phase === undefined) return { problems: [] };
  if (!Array.isArray(phase)) return { phase, problems: [] };
  const id = phaseFrontMatterSchema.shape.phase.safeParse(split.data?.['phase']);
  return { problems: phase, ...definedId(id.success ? id.data : findPhaseLine(text)?.id) };
}

/** One markdown file's outcome: from the index while its stamp is unchanged, else read, parsed and indexed. */
async function outcomeOf(dir: string, file: string, index: StampIndex<IndexedOutcome> | undefined): Promise<FileOutcome> {
  const path = join(dir, file);
  const cached = index?.lookup(file, path);
  if (cached !== undefined) return cached === null ? { problems: [] } : { phase: cached, problems: [] };
  // Stamped before it is read: a file changed during the read then no longer matches what is kept.
  const stamp = index?.stamp(path);
  const text = await readPhaseFile(dir, file);
  if (typeof text !== 'string') return { problems: [text] };
  const outcome = readPhase(text, file);
  // A file with problems is read again every time, so that its problems are always told as they are now.
  if (outcome.problems.length === 0) index?.record(file, stamp, outcome.phase ?? null);
  return outcome;
}

function definedId(id: number | undefined): { brokenId?: number } {
  return id === undefined ? {} : { brokenId: id };
}

/**
 * Reads a plan folder (DESIGN.md section 3): every `*.md` whose front matter has a `phase` is a phase, its
 * markdown body is the prompt, and its content hash is recorded for resume. Validates fields and the graph and
 * reports every problem at once. Front matter indented as a block, as the original's v1 generator wrote it, is
 * read as if it were not (the phase's `frontMatterAt` says so, and `lintPlan` warns); a file that looks like a
 * phase file (named like one, or with a `phase:` line near its top) but cannot be read as one is a problem, never
 * silently left out.
 *
 * @throws PlanError with a code per problem (`malformed_yaml`, `unclosed_front_matter`, `missing_front_matter`,
 *   `missing_phase_id`, `invalid_phase_id`, `invalid_field`, `duplicate_phase_id`, `unknown_dependency`,
 *   `self_dependency`, `dependency_cycle`, `empty_plan`, `file_too_large` for a markdown file over 1 MiB,
 *   `unreadable_plan` for a folder or phase file it cannot read), each naming its file and line where known.
 * @example
 * const plan = await loadPlan('plans/v2');
 * plan.phases.map((phase) => phase.id); // [11, 12, …, 22]
 */
export async function loadPlan(dir: string, options: LoadPlanOptions = {}): Promise<Plan> {
  const files = await listMarkdown(dir);
  const index = options.indexDir === undefined ? undefined : openStampIndex<IndexedOutcome>(stampIndexPath(options.indexDir, 'plan', dir), 'plan');
  const outcomes = await Promise.all(files.map((file) => outcomeOf(dir, file, index)));
  if (index !== undefined) {
    const listed = new Set(files);
    index.retain((file) => listed.has(file));
    index.save();
  }
  const phases: Phase[] = [];
  const problems: PlanProblem[] = [];
  const invalid = new Set<number>();
  for (const outcome of outcomes) {
    if (outcome.phase !== undefined) phases.push(outcome.phase);
    problems.push(...outcome.problems);
    if (outcome.brokenId !== undefined) invalid.add(outcome.brokenId);
  }
  return assemblePlan(options.name ?? basename(resolve(dir)), phases, problems, dir, invalid);
}
