import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built command, as users run it (the test target builds first). */
export const BUILT_CLI = fileURLToPath(new URL('../../../../dist/main.js', import.meta.url));

/** How a spawned command ended, and what it wrote. */
export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A spawned command: its process, what it wrote so far, and a promise of its end. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly output: () => { readonly stdout: string; readonly stderr: string };
  readonly finished: Promise<Finished>;
}

/** Fails clearly when the build is missing, instead of with a confusing spawn error. */
export function requireBuild(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`build @kazuba/cli first (nx test does): ${BUILT_CLI} is missing`);
}

/**
 * Starts a command with piped stdio (so neither stdin nor stdout is a terminal), in `cwd`, with a clean
 * environment: PATH, HOME, and whatever `env` adds.
 */
export function spawnCommand(command: string, args: readonly string[], options: { readonly cwd: string; readonly env?: Record<string, string> }): Spawned {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, output: () => ({ stdout, stderr }), finished };
}

/** Starts the built `hypervisor` with these arguments. */
export function spawnCli(args: readonly string[], options: { readonly cwd: string; readonly env?: Record<string, string> }): Spawned {
  requireBuild();
  return spawnCommand(process.execPath, [BUILT_CLI, ...args], options);
}

/** Runs the built `hypervisor` to its end. */
export function runBuiltCli(args: readonly string[], options: { readonly cwd: string; readonly env?: Record<string, string> }): Promise<Finished> {
  const spawned = spawnCli(args, options);
  spawned.child.stdin?.end();
  return spawned.finished;
}
