import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

const FORMATS = ['toon', 'kazuba', 'msgpack', 'json'] as const;

/** `hypervisor checkpoint show|convert`: read any checkpoint, rewrite it in another format. */
export function registerCheckpointCommands(program: Command, io: CliIo): void {
  const checkpoint = program.command('checkpoint').description('read and convert .toon checkpoint files');

  checkpoint
    .command('show')
    .description('print a checkpoint of any format as TOON text (or JSON), and its format on stderr')
    .argument('<file>', 'checkpoint file: TOON text, kazuba, MessagePack or JSON')
    .option('--json', 'print the content as JSON instead of TOON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { encodeCheckpoint, readCheckpoint } = await import('@kazuba/toon');
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
    .addOption(new Option('--to <format>', 'format to write').choices(FORMATS).default('toon'))
    .action(async (input: string, output: string, options: { to: (typeof FORMATS)[number] }) => {
      const { readCheckpoint, writeCheckpoint } = await import('@kazuba/toon');
      const { format, value } = await readCheckpoint(input);
      const written = await writeCheckpoint(output, value, { format: options.to });
      io.stderr.write(`${input} (${format}) -> ${output} (${written.format}, ${written.bytes} bytes)\n`);
    });
}
