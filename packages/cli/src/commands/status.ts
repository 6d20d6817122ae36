import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { loadPlanArg, resolveFromCwd } from './command-input.js';

/** The options of `hypervisor status`, as commander parses them. */
interface StatusCommandOptions {
  readonly root?: string;
  readonly json?: boolean;
}

async function showStatus(io: CliIo, dir: string, options: StatusCommandOptions): Promise<void> {
  // Loaded here, not at the top, so that `--help` and `--version` load nothing heavy; one after the other,
  // since Jest's ESM loader trips over concurrent imports of modules that share dependencies.
  const { readStatusReport, renderStatusText } = await import('./status-report.js');
  const planDir = resolveFromCwd(io, dir);
  const root = resolveFromCwd(io, options.root ?? '.');
  const report = await readStatusReport(await loadPlanArg(io, dir), planDir, root);
  io.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderStatusText(report));
}

/**
 * `hypervisor status <plan-dir>`: each phase's state from its checkpoint (the hypervisor's or the original
 * Python tooling's), its last run, duration and attempts, whether resume would skip it, and the worktrees and
 * branches runs left.
 */
export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description("show each phase's state from its checkpoint, and what resume would skip")
    .argument('<plan-dir>', 'the plan folder')
    .option('--root <dir>', 'the project root that checkpoint paths are relative to (default: the current directory)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nA phase without a checkpoint is "not run"; a checkpoint that cannot be decoded is "unreadable", with the\n' +
        'reason, and resume runs that phase again. In a git repository, the worktrees and kazuba/* branches runs left\n' +
        '(phases that failed, conflicted or were stopped) follow; `hypervisor clean` removes them. Exit 0 whatever the\n' +
        "phases' states; 2 when the plan cannot be loaded; 1 when git fails.",
    )
    .action((dir: string, options: StatusCommandOptions) => showStatus(io, dir, options));
}
