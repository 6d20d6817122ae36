// Shared helpers of the reliability suite: check reporting, temporary folders, child processes, pid liveness.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(REPO, 'packages/cli/dist/main.js');

/** Collects `ok` / `not ok` lines. */
export function createReporter() {
  let passed = 0;
  let failed = 0;
  return {
    ok(name) {
      passed += 1;
      console.log(`ok - ${name}`);
    },
    fail(name, why) {
      failed += 1;
      console.log(`not ok - ${name}`);
      for (const line of String(why).split('\n').slice(0, 30)) console.log(`  # ${line}`);
    },
    /** Records `name` as passed when `problems` is empty, otherwise failed with them. */
    expect(name, problems) {
      if (problems.length === 0) this.ok(name);
      else this.fail(name, problems.join('\n'));
    },
    get passed() {
      return passed;
    },
    get failed() {
      return failed;
    },
  };
}

/** A temporary folder under os.tmpdir(); `remove()` deletes it. */
export function makeTempDir(label) {
  const path = mkdtempSync(join(tmpdir(), `kazuba-rel-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Runs a command to its end, or kills it (SIGKILL) after `timeoutMs`.
 * Resolves { code, signal, stdout, stderr, ms, timedOut }.
 */
export function runProcess(command, args, { timeoutMs = 30_000, env, cwd, input } = {}) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(command, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

/** Runs the built CLI. */
export function runCli(args, options) {
  return runProcess(process.execPath, [CLI, ...args], options);
}

/** True when a process with this pid exists and is not a zombie. */
export function isPidAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code === 'ESRCH') return false;
    throw error;
  }
  return !isZombie(pid);
}

function isZombie(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // gone between the two looks
  }
}

/** The live (non-zombie) members of a process group, from /proc; empty when the group is gone. */
export function liveGroupMembers(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if (error.code === 'ESRCH') return [];
    throw error;
  }
  const members = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/** Kills a recorded process group; ignores one that is already gone. */
export function killGroup(pgid, signal = 'SIGKILL') {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/** Reads a file of one number per line (missing file: none). */
export function readPids(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return [...new Set(text.split('\n').filter((line) => /^\d+$/.test(line.trim())).map(Number))];
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Waits until `predicate()` is true or `timeoutMs` passed; returns the last value. */
export async function waitFor(predicate, timeoutMs, stepMs = 25) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value || Date.now() >= end) return value;
    await sleep(stepMs);
  }
}

/** Checks that stderr is exactly one line that names `file` and carries no stack trace. */
export function oneLineNaming(stderr, file) {
  const problems = [];
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) problems.push(`stderr has ${lines.length} lines, expected 1: ${JSON.stringify(stderr.slice(0, 400))}`);
  if (!stderr.includes(file)) problems.push(`stderr does not name ${file}: ${JSON.stringify(stderr.slice(0, 300))}`);
  if (/^\s{4}at /m.test(stderr)) problems.push('stderr carries a stack trace');
  return problems;
}

/** A phase file: YAML front matter from `fields` (values written as JSON, which YAML reads) and a body. */
export function phaseFile(fields, body = 'Do the phase.') {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `---\n${lines.join('\n')}\n---\n\n${body}\n`;
}

/** Resolves 'timeout' after `ms`, without keeping the process alive: the losing side of a race. */
export const deadline = (ms) => new Promise((done) => setTimeout(() => done('timeout'), ms).unref());
