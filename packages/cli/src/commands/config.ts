import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { RawRunOptions } from '../run/run-options.js';
import { addRunSettingOptions } from './run.js';

/** `hypervisor config`: the settings a run would use, each with where it came from. */
async function showConfig(io: CliIo, raw: RawRunOptions & { readonly json?: boolean }): Promise<void> {
  // Loaded here, one after the other, so that `--help` loads nothing heavy.
  const { readConfigFile } = await import('../run/config-file.js');
  const { parseRunOptions } = await import('../run/run-options.js');
  const { buildConfigReport, renderConfigReport } = await import('./config-report.js');
  const cwd = io.cwd ?? process.cwd();
  const { json, ...flags } = raw;
  const loaded = await readConfigFile(flags, cwd);
  const report = buildConfigReport(parseRunOptions('.', flags, cwd, loaded?.config), loaded);
  io.stdout.write(json === true ? `${JSON.stringify(report, null, 2)}\n` : renderConfigReport(report));
}

/** `hypervisor config`: prints the effective run settings and agent profiles, and where each came from. */
export function registerConfigCommand(program: Command, io: CliIo): void {
  const command = program.command('config').description('show the settings a run would use (flags, hypervisor.config.yaml, defaults) and where each came from');
  addRunSettingOptions(command)
    .option('--json', 'print the settings as JSON')
    .addHelpText('after', '\nTakes the same setting flags as `hypervisor run`, to show what they change. A bad config file exits 2.')
    .action((options: RawRunOptions & { readonly json?: boolean }) => showConfig(io, options));
}
