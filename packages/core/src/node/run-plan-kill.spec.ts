import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '@kazuba/toon';
import { runPlan } from './run-plan.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const child = fileURLToPath(new URL('./__fixtures__/run-plan-reporter.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));
const PHASES = 300;
const TRIALS = 20;

/** A seeded random DAG: each phase depends on up to three earlier ones. */
function randomDag(seed: number): { id: number; run: string; dependsOn: number[] }[] {
  let state = seed;
  const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: PHASES }, (_, index) => {
    const dependsOn = index === 0 ? [] : [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => 1 + Math.floor(random() * index)))];
    return { id: index + 1, run: 'true', dependsOn };
  });
}

/**
 * Runs the plan in a child hypervisor and SIGKILLs it a random 0–15 ms after its `after`-th report of a finished
 * phase (or lets it end, when fewer phases are left); returns every phase it reported done on its stdout.
 */
async function runAndKill(planDir: string, root: string, runId: string, after: number): Promise<number[]> {
  const hypervisor = spawn(process.execPath, [child, planDir, root, runId], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reported: number[] = [];
  let buffered = '';
  let killing = false;
  const exited = new Promise((resolve) => hypervisor.once('close', resolve));
  hypervisor.stdout.setEncoding('utf8').on('data', (text: string) => {
    const lines = (buffered + text).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) reported.push(Number(line.slice('done '.length)));
    if (killing || reported.length < after) return;
    killing = true;
    setTimeout(() => hypervisor.kill('SIGKILL'), Math.floor(Math.random() * 16));
  });
  await exited;
  return reported;
}

/** The phases a run's event log says finished with success (what it got to write before the kill). */
async function loggedDone(root: string, runId: string): Promise<number[]> {
  const path = join(root, '.hypervisor', 'runs', runId, 'events.jsonl');
  const text = existsSync(path) ? await readFile(path, 'utf8') : '';
  // A SIGKILL may tear the last line: it was never reported whole.
  return text.split('\n').flatMap((line) => {
    try {
      const event = JSON.parse(line) as { type?: string; status?: string; phaseId?: number };
      return event.type === 'phase:finished' && event.status === 'success' && event.phaseId !== undefined ? [event.phaseId] : [];
    } catch {
      return [];
    }
  });
}

async function checkpointStatus(root: string, id: number): Promise<string> {
  const path = join(root, 'checkpoints', `phase_${String(id).padStart(2, '0')}.toon`);
  return readCheckpoint(path).then(({ value }) => String((value as { status?: unknown }).status), (error: unknown) => `unreadable: ${String((error as Error).message)}`);
}

describe('runPlan SIGKILLed at random points of a 300-phase run', () => {
  it('never reports a phase done (on its output or in its event log) before its success checkpoint is on disk', async () => {
    if (!existsSync(built)) throw new Error('build @kazuba/core first (nx test does): this test runs the built package');
    const { root, planDir } = await writeShellPlan(randomDag(17));
    const everReported = new Set<number>();
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const runId = `killed-${trial}`;
      const reported = await runAndKill(planDir, root, runId, 1 + Math.floor(Math.random() * 24));
      const logged = await loggedDone(root, runId);
      for (const id of [...reported, ...logged]) everReported.add(id);
      const broken = [];
      for (const id of new Set([...reported, ...logged])) {
        const status = await checkpointStatus(root, id);
        if (status !== 'success') broken.push(`phase ${id}: ${status}`);
      }
      expect({ trial, broken }).toEqual({ trial, broken: [] });
    }
    expect(everReported.size).toBeGreaterThan(TRIALS);
    // Whatever the kills left, the next run completes the plan.
    const summary = await runPlan(planDir, { root, runId: 'completed', config: { mode: 'parallel', maxWorkers: 4, groupPolicy: 'ignore' } });
    expect(summary.outcome).toBe('succeeded');
    for (const id of everReported) expect(summary.phases.find((phase) => phase.phaseId === id)?.status).toBe('skipped');
  }, 240_000);
});
