import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../../../plan/define-plan.js';
import type { Phase } from '../../../../plan/plan.js';
import type { AttemptResult, RunnerEvent } from '../../../../schedule/ports.js';
import type { ProcessSupervisor } from '../../../process/process-supervisor.js';
import type { ProcessSpec } from '../../../process/process-types.js';
import { buildProcessSpec, describeProcessSpec } from '../../agent-args.js';
import { resolveProfiles } from '../../agent-profile.js';
import type { AgentProfileInput } from '../../agent-profile.js';
import { createProcessRunner } from '../../process-runner.js';

/** The agent CLIs under contract: exact-pinned root devDependencies, installed by `npm ci`. */
export type CliName = 'claude' | 'codex' | 'gemini';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/**
 * The workspace's `node_modules/.bin` that holds `name`, found by walking up from this file.
 * @throws Error naming the CLI and what to do when it is not installed: a contract test must fail, not skip.
 */
export function binFolderOf(name: CliName): string {
  const searched: string[] = [];
  for (let folder = here; ; folder = dirname(folder)) {
    const bin = join(folder, 'node_modules', '.bin');
    if (existsSync(join(bin, name))) return bin;
    searched.push(bin);
    if (dirname(folder) === folder) break;
  }
  throw new Error(`the real ${name} CLI is not installed (looked in ${searched.join(', ')}): run \`npm ci\` at the workspace root, which installs it as a pinned devDependency`);
}

/** A project root and a HOME of its own for one attempt, and the only environment the CLI gets. */
export interface Sandbox {
  readonly root: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string>>;
}

const created: string[] = [];

/**
 * A fresh root (a git work tree when `git`) and HOME in the temporary folder. The environment is built from
 * nothing but PATH (the CLIs first, then node's folder for the scripts' `#!/usr/bin/env node`) and HOME, so that no
 * key, login or setting of the machine (ANTHROPIC_API_KEY, GEMINI_API_KEY, GOOGLE_*, OPENAI_API_KEY, CODEX_HOME,
 * XDG_*) reaches the CLI.
 */
export async function createSandbox(name: CliName, options: { readonly git: boolean }): Promise<Sandbox> {
  const path = [binFolderOf(name), dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter);
  const root = await mkdtemp(join(tmpdir(), `contract-${name}-root-`));
  const home = await mkdtemp(join(tmpdir(), `contract-${name}-home-`));
  created.push(root, home);
  if (options.git) await run('git', ['init', '--quiet'], { cwd: root, timeout: 10_000 });
  return { root, home, env: { PATH: path, HOME: home } };
}

/** Removes every sandbox created so far. */
export async function removeSandboxes(): Promise<void> {
  await Promise.all(created.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** Whether `folder` is inside a git work tree, as codex's own check sees it. */
export async function isInGitWorkTree(folder: string): Promise<boolean> {
  try {
    await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: folder, timeout: 10_000 });
    return true;
  } catch {
    // git exits non-zero outside a work tree.
    return false;
  }
}

/** The process spec the runner builds for `profile` (the built-in of the same name, with these settings over it). */
export function specOf(profile: AgentProfileInput, sandbox: Sandbox, prompt: string): ProcessSpec {
  const resolved = resolveProfiles([profile]).get(profile.name);
  if (resolved === undefined) throw new Error(`no profile ${profile.name}`);
  return buildProcessSpec(resolved, { prompt, root: sandbox.root, env: sandbox.env });
}

/** What one attempt through the real runner gave. */
export interface ContractAttempt {
  readonly result: AttemptResult;
  /** stdout and stderr as the runner relayed them. */
  readonly stdout: string;
  readonly stderr: string;
  /** The text of the phase's log file, `<root>/.hypervisor/runs/<runId>/phase-1.log`. */
  readonly log: string;
  /** The header the runner wrote for the spec it ran. */
  readonly expectedLogHeader: string;
  /** Whether the safety net had to stop the attempt (it should never: each attempt ends on its own). */
  readonly safetyNetUsed: boolean;
}

/** How one attempt is run: a phase of `prompt` handed to `profile`, with a safety net that stops it after `safetyNetMs`. */
export interface AttemptOptions {
  readonly supervisor: ProcessSupervisor;
  readonly sandbox: Sandbox;
  readonly profile: AgentProfileInput;
  readonly prompt: string;
  /** @default 60000 */
  readonly safetyNetMs?: number;
}

/** Runs phase 1 with `prompt` through `createProcessRunner` and the real CLI, and collects what it gave. */
export async function attemptPhase(options: AttemptOptions): Promise<ContractAttempt> {
  const { supervisor, sandbox, profile, prompt } = options;
  const runner = createProcessRunner({ supervisor, root: sandbox.root, env: sandbox.env, profiles: [profile], profile: profile.name, killGraceMs: 1000 });
  const phase = definePlan([{ id: 1, prompt }]).phases[0] as Phase;
  const controller = new AbortController();
  let safetyNetUsed = false;
  const safetyNet = setTimeout(() => {
    safetyNetUsed = true;
    controller.abort(new Error('the contract test stopped the attempt'));
  }, options.safetyNetMs ?? 60_000);
  safetyNet.unref();
  // A run id of its own, so that nothing else (an orphan reaper of another test) can take this run for its own.
  const runId = `contract-${randomUUID()}`;
  try {
    const events = await lastValueFrom(runner.run({ runId, phase, attempt: 1, prompt, signal: controller.signal }).pipe(toArray()));
    const output = (stream: 'stdout' | 'stderr'): string =>
      events.map((event: RunnerEvent) => (event.type === 'output' && event.stream === stream ? event.text : '')).join('');
    const last = events.at(-1);
    if (last?.type !== 'result') throw new Error('the runner ended without a result');
    const log = await readFile(join(sandbox.root, '.hypervisor', 'runs', runId, 'phase-1.log'), 'utf8');
    const expectedLogHeader = `=== phase 1 attempt 1: ${describeProcessSpec(specOf(profile, sandbox, prompt), prompt)} ===`;
    return { result: last.result, stdout: output('stdout'), stderr: output('stderr'), log, expectedLogHeader, safetyNetUsed };
  } finally {
    clearTimeout(safetyNet);
  }
}

/** Starts an attempt now and hands back its promise, marked handled so that it may be awaited later. */
export function startAttempt(options: AttemptOptions): Promise<ContractAttempt> {
  const attempt = attemptPhase(options);
  attempt.catch(() => undefined);
  return attempt;
}

/** The JSON objects among the lines of `text` (other lines, such as log markers, are left out). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      // A line that only looks like JSON: not a message.
      return [];
    }
  });
}

/** The lines of the one `*.jsonl` file under `folder` whose name ends with `suffix` (a CLI's session record). */
export async function sessionRecord(folder: string, suffix = '.jsonl'): Promise<Record<string, unknown>[]> {
  const files = (await readdir(folder, { recursive: true })).filter((file) => file.endsWith(suffix));
  if (files.length !== 1) throw new Error(`expected one session record ending with ${suffix} under ${folder}, found ${files.length}`);
  return jsonLines(await readFile(join(folder, files[0] as string), 'utf8'));
}

/** What the CLI prints, on both streams, and its exit code, for arguments given directly (not through the runner). */
export async function answerOf(name: CliName, args: readonly string[], sandbox: Sandbox): Promise<{ readonly exitCode: number; readonly output: string }> {
  const pending = run(join(binFolderOf(name), name), args, { cwd: sandbox.root, env: sandbox.env, timeout: 30_000 });
  // codex reads "additional input" from a stdin that is not a terminal: give it an empty one, as the supervisor does.
  pending.child.stdin?.end();
  try {
    const { stdout, stderr } = await pending;
    return { exitCode: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
