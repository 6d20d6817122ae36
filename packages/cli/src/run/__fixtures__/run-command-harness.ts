import { EventEmitter } from 'node:events';
import type { CliIo } from '../../cli-io.js';
import { isCliError } from '../cli-error.js';
import { runCommand } from '../run-command.js';
import type { RunCommandDeps } from '../run-command.js';
import type { RawRunOptions } from '../run-options.js';
import type { FixtureProject } from '../../e2e/__fixtures__/run/write-plan.js';
import { fakeStream } from './events.js';

/** How `runCommand` ended, and what it wrote. */
export interface Outcome {
  /** The CliError code the command ended with, or `ok`. */
  readonly ended: string;
  readonly message: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** The surroundings of one `runCommand` call. */
export interface Setup {
  readonly terminal?: { readonly columns: number };
  readonly env?: Record<string, string>;
  readonly stdinIsTTY?: boolean;
  readonly deps?: RunCommandDeps;
  readonly planArg?: string;
}

/** Runs `hypervisor run <plan>` in the project's root through `runCommand`, with signals that only the test sends. */
export async function runIn(project: FixtureProject, options: RawRunOptions = {}, setup: Setup = {}): Promise<Outcome> {
  const stdout = fakeStream();
  const stderr = fakeStream(setup.terminal);
  const io: CliIo = { stdout, stderr, cwd: project.root, env: setup.env ?? {}, stdinIsTTY: setup.stdinIsTTY ?? false };
  try {
    await runCommand(setup.planArg ?? 'plan', { history: true, ...options }, io, { signals: new EventEmitter(), ...setup.deps });
    return { ended: 'ok', message: '', stdout: stdout.text(), stderr: stderr.text() };
  } catch (error) {
    if (!isCliError(error)) throw error;
    return { ended: error.code, message: error.message, stdout: stdout.text(), stderr: stderr.text() };
  }
}
