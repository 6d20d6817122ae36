import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { resolveFromCwd } from './command-input.js';

const DEFAULT_DIR = 'hypervisor-plan';

// Not `instanceof Error`: the file system's errors may come from another realm (a test runner's VM context).
function isFileSystemError(error: unknown): error is { readonly code: string; readonly message: string } {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  return typeof candidate?.code === 'string' && typeof candidate.message === 'string';
}

/** Writes the commented config file into the working directory (the project root), unless one is there already. */
async function writeExampleConfig(io: CliIo): Promise<string> {
  const { EXAMPLE_CONFIG, EXAMPLE_CONFIG_NAME } = await import('./example-config.js');
  const { writeNewFiles } = await import('./write-new-files.js');
  const { clash } = await writeNewFiles(resolveFromCwd(io), [{ path: EXAMPLE_CONFIG_NAME, text: EXAMPLE_CONFIG, mode: 0o644 }]);
  return clash === undefined ? `and its settings, commented, to ${EXAMPLE_CONFIG_NAME}` : `(${EXAMPLE_CONFIG_NAME} exists already: kept as it is)`;
}

async function initPlan(io: CliIo, dir: string, command: Command): Promise<void> {
  const { examplePlanFiles } = await import('./example-plan.js');
  const { writeNewFiles } = await import('./write-new-files.js');
  const files = examplePlanFiles(dir);
  let outcome: Awaited<ReturnType<typeof writeNewFiles>>;
  try {
    outcome = await writeNewFiles(resolveFromCwd(io, dir), files);
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    command.error(`hypervisor: cannot write the example plan to ${dir}: ${error.message}`, { exitCode: 2, code: 'hypervisor.init.failed' });
  }
  if (outcome.clash !== undefined) {
    const what = outcome.clash === '' ? `${dir} exists and is not a folder` : `${dir}/${outcome.clash} already exists`;
    command.error(`hypervisor: ${what}; init never overwrites anything (choose another folder)`, { exitCode: 2, code: 'hypervisor.init.exists' });
  }
  const phases = files.filter((file) => /^\d+-.*\.md$/.test(file.path)).length;
  const config = await writeExampleConfig(io);
  const lines = [
    `Wrote an example plan of ${phases} phases to ${dir}/:`,
    ...files.map((file) => `  ${dir}/${file.path}`),
    config,
    'Next:',
    `  hypervisor config`,
    `  hypervisor plan ${dir}`,
    `  hypervisor run ${dir} --mode parallel`,
    `  hypervisor status ${dir}`,
  ];
  io.stderr.write(`${lines.join('\n')}\n`);
}

/** `hypervisor init [dir]`: writes a small example plan that runs without an agent, for a new user to run and edit. */
export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('write a small example plan (four phases with run: lines and a validation script) and a commented hypervisor.config.yaml')
    .argument('[dir]', 'the folder to write it to', DEFAULT_DIR)
    .addHelpText(
      'after',
      '\nNever overwrites a file: when one of the example plan files exists, nothing is written and the exit code is 2;\n' +
        'an existing hypervisor.config.yaml in the current directory is kept.',
    )
    .action((dir: string, _options: unknown, command: Command) => initPlan(io, dir, command));
}
