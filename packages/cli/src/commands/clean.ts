import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { resolveFromCwd } from './command-input.js';

/** The options of `hypervisor clean`, as commander parses them. */
interface CleanCommandOptions {
  readonly root?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

async function clean(io: CliIo, options: CleanCommandOptions): Promise<void> {
  // Loaded here, not at the top, so that `--help` and `--version` load nothing heavy; one after the other,
  // since Jest's ESM loader trips over concurrent imports of modules that share dependencies.
  const { findLeftovers, removeLeftovers } = await import('@kazuba/core/node');
  const { readLeftovers } = await import('./leftovers-report.js');
  const { cleanLeftovers, renderCleanText } = await import('./clean-report.js');
  const root = resolveFromCwd(io, options.root ?? '.');
  const found = await readLeftovers(root, findLeftovers);
  const report = await cleanLeftovers(root, found, { dryRun: options.dryRun === true }, removeLeftovers);
  io.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderCleanText(report));
}

/**
 * `hypervisor clean`: removes the worktrees and `kazuba/*` branches that runs under worktree isolation left
 * (phases that failed, conflicted or were stopped), except those of a run still running.
 */
export function registerCleanCommand(program: Command, io: CliIo): void {
  program
    .command('clean')
    .description('remove the worktrees and kazuba/* branches runs left, except those of a run still running')
    .option('--root <dir>', 'the project root the runs ran in (default: the current directory)')
    .option('--dry-run', 'list what would be removed, and remove nothing')
    .option('--json', 'print what was removed and kept as JSON')
    .addHelpText(
      'after',
      '\nA phase that fails, conflicts or is stopped keeps its worktree (.hypervisor/worktrees/<run>/phase-<id>) and its\n' +
        'branch (kazuba/<run>/phase-<id>-<attempt>) for inspection; `hypervisor status` lists them. Clean first commits\n' +
        "what a worktree holds on its branch, then deletes the branch and prints its commit: `git branch <name> <sha>`\n" +
        "restores it, until git's garbage collection prunes it. A live run's are kept. A root that is not a git\n" +
        'repository has nothing to clean (exit 0); a git failure exits 1.',
    )
    .action((options: CleanCommandOptions) => clean(io, options));
}
