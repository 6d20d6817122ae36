import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../run-cli.js';

/** What a command wrote and how it ended. */
export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** This folder: the plans, checkpoints and event files the specs of plan, status, events and init read. */
export const FIXTURES = fileURLToPath(new URL('.', import.meta.url));

/** The repository root, where `examples/` lives. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../../../', import.meta.url));

/** The built command, as users run it (the cli test target builds first). */
export const BUILT_CLI = fileURLToPath(new URL('../../../../dist/main.js', import.meta.url));

/** The real plan of the original project, beside the checkout when the shared fixtures are there. */
export const SHARED_PLAN = join(REPO_ROOT, '..', 'shared', 'fixtures', 'kazuba', 'plans-v2');

/** The original's checkpoints, beside the real plan. */
export const SHARED_CHECKPOINTS = join(REPO_ROOT, '..', 'shared', 'fixtures', 'kazuba', 'checkpoints');

/** Runs the command line in this process, as `runCli` does for the installed command, capturing its output. */
export async function runCaptured(argv: readonly string[], cwd?: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(cwd === undefined ? {} : { cwd }),
  });
  return { code, stdout, stderr };
}

/**
 * Runs the built `hypervisor` in a child process with piped stdio (so nothing is a terminal) and a clean
 * environment: PATH and HOME only.
 */
export function runBuilt(args: readonly string[], cwd: string): Promise<Captured> {
  if (!existsSync(BUILT_CLI)) throw new Error(`build @kazuba/cli first (nx test does): ${BUILT_CLI} is missing`);
  const child = spawn(process.execPath, [BUILT_CLI, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ code: status ?? -1, stdout, stderr }));
  });
}

const scratch: string[] = [];

/** A new empty folder under the system's temporary folder, removed by {@link removeScratchDirs}. */
export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-cli-other-'));
  scratch.push(dir);
  return dir;
}

/** Removes every folder {@link scratchDir} made; call it in `afterAll`. */
export async function removeScratchDirs(): Promise<void> {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
