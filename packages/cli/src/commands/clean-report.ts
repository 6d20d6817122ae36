import type { LeftoverBranch, removeLeftovers } from '@kazuba/core/node';
import { describeOwner, relativeLeftovers, throwGitFailure } from './leftovers-report.js';
import type { LeftoversJson, NoLeftoversReason, RootLeftovers } from './leftovers-report.js';

/** `hypervisor clean --json`. */
export interface CleanReportJson {
  /** The project root, as given. */
  readonly root: string;
  /** Whether this was a dry run: nothing was removed, `removed` lists what would be. */
  readonly dryRun: boolean;
  /** Why nothing was looked for (the root is no git repository, or not the top of one); null when it was. */
  readonly notSearched: NoLeftoversReason | null;
  /** The worktrees and branches removed; a branch with `merged: false` held work the checked-out branch lacks. */
  readonly removed: LeftoversJson;
  /** Those of live runs, which are never removed. */
  readonly kept: LeftoversJson;
}

/** What {@link cleanLeftovers} does. */
export interface CleanOptions {
  /** List what would be removed, remove nothing. */
  readonly dryRun: boolean;
}

const isLive = (owner: { readonly runState: string }): boolean => owner.runState === 'live';

function partOf(found: LeftoversJson, wanted: (owner: { readonly runState: string }) => boolean): LeftoversJson {
  return { worktrees: found.worktrees.filter(wanted), branches: found.branches.filter(wanted) };
}

async function removeAll(gitRoot: string, remove: typeof removeLeftovers): Promise<LeftoversJson> {
  try {
    // Each worktree's changes are committed on its branch before it goes: the commit shown for a deleted branch
    // restores all of its work.
    const removed = await remove(gitRoot);
    return relativeLeftovers(gitRoot, removed);
  } catch (error) {
    return throwGitFailure(error);
  }
}

/**
 * Removes the worktrees and `kazuba/*` branches found at the root that belong to runs that are not running
 * (with `dryRun`, only says which), and keeps a live run's.
 * @param found what `readLeftovers` found at the root
 * @param remove `@kazuba/core/node`'s `removeLeftovers`
 * @throws CliError `run_failed` when git refuses a removal.
 */
export async function cleanLeftovers(root: string, found: RootLeftovers, options: CleanOptions, remove: typeof removeLeftovers): Promise<CleanReportJson> {
  const removable = partOf(found, (owner) => !isLive(owner));
  const nothing = removable.worktrees.length === 0 && removable.branches.length === 0;
  const removed = options.dryRun || nothing ? removable : await removeAll(found.gitRoot, remove);
  return { root, dryRun: options.dryRun, notSearched: found.none ?? null, removed, kept: partOf(found, isLive) };
}

const NOT_SEARCHED: Readonly<Record<NoLeftoversReason, string>> = {
  'not-a-repository': 'is not a git repository',
  'not-the-top': 'is inside a git repository, not at its top where runs keep their worktrees (give the top with --root)',
};

function branchLine(branch: LeftoverBranch, dryRun: boolean): string {
  const { name, commit } = branch;
  if (dryRun) return `would delete branch ${name}${branch.merged ? ` (at ${commit.slice(0, 7)})` : ` with unmerged work (at ${commit})`}`;
  if (branch.merged) return `deleted branch ${name} (was ${commit.slice(0, 7)})`;
  return `deleted branch ${name} with unmerged work (was ${commit}; \`git branch ${name} ${commit}\` restores it)`;
}

/**
 * The clean report for people: one line per worktree removed, branch deleted (an unmerged one with its full
 * commit, to restore it) and leftover kept because its run is live; `nothing to clean` when nothing was removed.
 */
export function renderCleanText(report: CleanReportJson): string {
  if (report.notSearched !== null) return `nothing to clean: ${report.root} ${NOT_SEARCHED[report.notSearched]}\n`;
  const { removed, kept, dryRun } = report;
  const lines = [
    ...removed.worktrees.map((worktree) => `${dryRun ? 'would remove' : 'removed'} worktree ${worktree.path} (${describeOwner(worktree)})`),
    ...removed.branches.map((branch) => branchLine(branch, dryRun)),
    ...kept.worktrees.map((worktree) => `${dryRun ? 'would keep' : 'kept'} worktree ${worktree.path} (${describeOwner(worktree)}): the run is live`),
    ...kept.branches.map((branch) => `${dryRun ? 'would keep' : 'kept'} branch ${branch.name}: the run is live`),
  ];
  if (removed.worktrees.length === 0 && removed.branches.length === 0) lines.push('nothing to clean');
  return `${lines.join('\n')}\n`;
}
