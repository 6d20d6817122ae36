import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { CHECKPOINT_FORMATS, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { CheckpointFormat } from '@kazuba/toon';

/** Where the command line writes: data to `stdout`, messages to `stderr`. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

function addCheckpointCommands(program: Command, io: CliIo): void {
  const checkpoint = program.command('checkpoint').description('read and convert .toon checkpoint files');

  checkpoint
    .command('show')
    .description('print a checkpoint of any format as TOON text (or JSON), and its format on stderr')
    .argument('<file>', 'checkpoint file: TOON text, kazuba, MessagePack or JSON')
    .option('--json', 'print the content as JSON instead of TOON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { format, value } = await readCheckpoint(file);
      io.stderr.write(`${file}: ${format}\n`);
      const bytes = encodeCheckpoint(value, { format: options.json === true ? 'json' : 'toon' });
      io.stdout.write(new TextDecoder().decode(bytes));
    });

  checkpoint
    .command('convert')
    .description('rewrite a checkpoint in another format, atomically')
    .argument('<in>', 'checkpoint to read, in any format')
    .argument('<out>', 'file to write')
    .addOption(new Option('--to <format>', 'format to write').choices(CHECKPOINT_FORMATS).default('toon'))
    .action(async (input: string, output: string, options: { to: CheckpointFormat }) => {
      const { format, value } = await readCheckpoint(input);
      const written = await writeCheckpoint(output, value, { format: options.to });
      io.stderr.write(`${input} (${format}) -> ${output} (${written.format}, ${written.bytes} bytes)\n`);
    });
}

/**
 * Builds the `hypervisor` command line. Commander's own exits are turned into exceptions so that the caller
 * decides the exit code; output goes to `io`.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('hypervisor')
    .description('run multi-phase plans for AI coding agents')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  // Subcommands inherit the exit override and the output settings from here.
  addCheckpointCommands(program, io);
  return program;
}
