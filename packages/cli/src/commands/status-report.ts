import { join } from 'node:path';
// Static imports are fine here: the command loads this module only when it runs.
import { decideResume, formatDuration } from '@kazuba/core';
import type { Phase, Plan, ResumeReason } from '@kazuba/core';
import { findLeftovers } from '@kazuba/core/node';
import { toOneLine } from '@kazuba/hypervisor-v2';
import { isToonError, normalizeCheckpoint, readCheckpoint } from '@kazuba/toon';
import type { CheckpointFormat, CheckpointOrigin, CheckpointStatus, CheckpointView } from '@kazuba/toon';
import { readLeftovers } from './leftovers-report.js';
import type { LeftoversJson } from './leftovers-report.js';
import { formatTable, oneLine } from './text-table.js';

/** A phase's state as `hypervisor status` shows it: a checkpoint's status, no checkpoint, or one that cannot be read. */
export type PhaseState = CheckpointStatus | 'not_run' | 'unreadable';

/** The states in the order the summary counts them. */
const STATES: readonly PhaseState[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'running', 'unreadable', 'not_run'];

/** One phase in `hypervisor status --json`. */
export interface PhaseStatusJson {
  readonly id: number;
  readonly title: string;
  /** The checkpoint path, relative to the root, as the plan gives it. */
  readonly checkpoint: string;
  readonly status: PhaseState;
  /** Who wrote the checkpoint: this hypervisor, or the original Python tooling (`kazuba`). */
  readonly origin: CheckpointOrigin | null;
  /** The checkpoint's encoding: TOON text, the kazuba container, MessagePack or JSON. */
  readonly format: CheckpointFormat | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly attempts: number | null;
  /** What resume would do: skip the phase (its checkpoint records success for this phase file) or run it, and why. */
  readonly resume: { readonly skip: boolean; readonly reason: ResumeReason };
  /** Why the checkpoint is unreadable (a `ToonError` code and its one-line message). */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** `hypervisor status --json`. */
export interface StatusReportJson {
  readonly plan: string;
  readonly planDir: string;
  readonly root: string;
  readonly counts: Record<PhaseState, number>;
  /** How many phases a resumed run would skip. */
  readonly resumeSkips: number;
  readonly phases: PhaseStatusJson[];
  /**
   * The worktrees and `kazuba/*` branches runs left under worktree isolation, a live run's included (its
   * `runState`); empty when the root is not the top of a git repository.
   */
  readonly leftovers: LeftoversJson;
}

/**
 * How checkpoints are read and judged, and leftovers found: `@kazuba/toon`'s reader, `@kazuba/core`'s resume
 * rule and `@kazuba/core/node`'s `findLeftovers`.
 */
export interface StatusReaders {
  readonly toon: { readonly isToonError: typeof isToonError; readonly normalizeCheckpoint: typeof normalizeCheckpoint; readonly readCheckpoint: typeof readCheckpoint };
  readonly decideResume: typeof decideResume;
  readonly findLeftovers: typeof findLeftovers;
}

const READERS: StatusReaders = { toon: { isToonError, normalizeCheckpoint, readCheckpoint }, decideResume, findLeftovers };

interface ReadView {
  readonly format: CheckpointFormat;
  readonly view: CheckpointView;
}

// The same path as the file checkpoint store of a run: the phase's `checkpoint` under the root.
async function readView({ toon }: StatusReaders, root: string, phase: Phase): Promise<ReadView | undefined> {
  const { isToonError, normalizeCheckpoint, readCheckpoint } = toon;
  const path = join(root, phase.checkpoint);
  try {
    const { format, value } = await readCheckpoint(path);
    return { format, view: normalizeCheckpoint(value, path) };
  } catch (error) {
    if (isToonError(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}

function fromView({ decideResume }: StatusReaders, phase: Phase, { format, view }: ReadView): PhaseStatusJson {
  const resume = decideResume(view, phase.hash);
  return {
    id: phase.id,
    title: phase.title,
    checkpoint: phase.checkpoint,
    status: view.status,
    origin: view.origin,
    format,
    startedAt: view.startedAt ?? null,
    finishedAt: view.finishedAt ?? null,
    durationMs: view.durationMs ?? null,
    attempts: view.attempts ?? null,
    resume: { skip: !resume.run, reason: resume.reason },
    error: null,
  };
}

async function phaseStatus(readers: StatusReaders, root: string, phase: Phase): Promise<PhaseStatusJson> {
  const blank = { id: phase.id, title: phase.title, checkpoint: phase.checkpoint, origin: null, format: null, startedAt: null, finishedAt: null, durationMs: null, attempts: null };
  let view: ReadView | undefined;
  try {
    view = await readView(readers, root, phase);
  } catch (error) {
    // A corrupt checkpoint is a fact about the phase, not a failure of the command; anything else is a bug.
    if (!readers.toon.isToonError(error)) throw error;
    const resume = { skip: false, reason: 'unreadable-checkpoint' as const };
    return { ...blank, status: 'unreadable', resume, error: { code: error.code, message: error.message } };
  }
  if (view === undefined) return { ...blank, status: 'not_run', resume: { skip: false, reason: 'no-checkpoint' }, error: null };
  return fromView(readers, phase, view);
}

/**
 * Reads every phase's checkpoint under `root` (the hypervisor's or the original's, in any encoding) and says
 * what state it records and what resume would do with it, then finds the worktrees and branches runs left
 * there. A checkpoint that cannot be decoded is reported as `unreadable`; any other failure is a bug and rejects.
 * @param readers the checkpoint reader, resume rule and leftovers finder
 *   @default those of `@kazuba/toon`, `@kazuba/core` and `@kazuba/core/node`
 * @throws CliError `run_failed` when git fails (but a root that is no git repository has no leftovers).
 */
export async function readStatusReport(plan: Plan, planDir: string, root: string, readers: StatusReaders = READERS): Promise<StatusReportJson> {
  const [phases, found] = await Promise.all([Promise.all(plan.phases.map((phase) => phaseStatus(readers, root, phase))), readLeftovers(root, readers.findLeftovers)]);
  const counts = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<PhaseState, number>;
  for (const phase of phases) counts[phase.status] += 1;
  const leftovers = { worktrees: found.worktrees, branches: found.branches };
  return { plan: plan.name, planDir, root, counts, resumeSkips: phases.filter((phase) => phase.resume.skip).length, phases, leftovers };
}

// ISO times without their fraction of a second: enough to tell runs apart, short enough for a table.
function shortTime(iso: string | null): string {
  return iso === null ? '-' : iso.replace(/\.\d+(?=Z|[+-]\d\d:?\d\d|$)/, '');
}

const RESUME_LABELS: Readonly<Record<ResumeReason, string>> = {
  completed: 'skip',
  'no-checkpoint': 'run',
  'unreadable-checkpoint': 'run',
  'not-successful': 'run',
  'phase-changed': 'run (phase file changed)',
  forced: 'run',
};

function phaseRow(phase: PhaseStatusJson): string[] {
  return [
    String(phase.id),
    phase.status.replace('_', ' '),
    shortTime(phase.finishedAt ?? phase.startedAt),
    phase.durationMs === null ? '-' : formatDuration(phase.durationMs),
    phase.attempts === null ? '-' : String(phase.attempts),
    phase.origin === null ? '-' : `${phase.origin === 'hypervisor' ? 'ours' : 'original'} (${phase.format})`,
    RESUME_LABELS[phase.resume.reason],
    oneLine(phase.title),
  ];
}

const ofRun = (owner: { readonly runId: string; readonly runState: string }): string => `${owner.runId}${owner.runState === 'live' ? ' (run live)' : ''}`;

/** The worktrees runs left, then their branches that no worktree has checked out, and how to remove them. */
function leftoverLines({ worktrees, branches }: LeftoversJson): string[] {
  const checkedOut = new Set(worktrees.map((worktree) => worktree.branch));
  const alone = branches.filter((branch) => !checkedOut.has(branch.name));
  if (worktrees.length === 0 && alone.length === 0) return [];
  const lines: string[] = [];
  if (worktrees.length > 0) {
    const rows = worktrees.map((worktree) => [worktree.path, String(worktree.phaseId ?? '-'), worktree.branch ?? '-', ofRun(worktree)]);
    lines.push('', 'Worktrees left by runs:', ...formatTable([['path', 'phase', 'branch', 'run'], ...rows], '  '));
  }
  if (alone.length > 0) {
    const rows = alone.map((branch) => [branch.name, String(branch.phaseId ?? '-'), String(branch.attempt ?? '-'), branch.merged ? 'merged' : 'unmerged work', ofRun(branch)]);
    lines.push('', 'Branches left by runs, without a worktree:', ...formatTable([['branch', 'phase', 'attempt', 'work', 'run'], ...rows], '  '));
  }
  return [...lines, '', 'hypervisor clean removes those of runs that are not running.'];
}

/**
 * The status report for people: a summary line, one row per phase (status, last run, duration, attempts,
 * who wrote the checkpoint, what resume would do, title), then why each unreadable checkpoint is unreadable
 * (one line each: `toOneLine`), then the worktrees and branches runs left.
 */
export function renderStatusText(report: StatusReportJson): string {
  const counted = STATES.filter((state) => report.counts[state] > 0).map((state) => `${report.counts[state]} ${state.replace('_', ' ')}`);
  const total = report.phases.length;
  const lines = [
    `Plan ${oneLine(report.plan)}: ${total} phase${total === 1 ? '' : 's'}, checkpoints under ${report.root}`,
    `${counted.join(', ')}; resume would skip ${report.resumeSkips} and run ${total - report.resumeSkips}`,
    '',
    ...formatTable([['id', 'status', 'last run', 'duration', 'attempts', 'checkpoint', 'resume', 'title'], ...report.phases.map(phaseRow)], '  '),
  ];
  const reasons = report.phases.flatMap((phase) => (phase.error === null ? [] : [`  phase ${phase.id}: ${toOneLine(phase.error.message)}`]));
  if (reasons.length > 0) lines.push('', 'Unreadable checkpoints (resume runs these phases again):', ...reasons);
  lines.push(...leftoverLines(report.leftovers));
  return `${lines.join('\n')}\n`;
}
