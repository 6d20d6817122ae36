// Fuzz: fast-check over loadPlan and decodeCheckpoint, each in a child process with a hang timeout.
import { fileURLToPath } from 'node:url';
import { REPO, runProcess } from '../lib.mjs';

const WORKER = fileURLToPath(new URL('./fuzz-worker.mjs', import.meta.url));

/** @param {{ cases: number, seed: number }} options */
export async function checkFuzz(report, { cases, seed }) {
  for (const [target, label] of [['plan', 'loadPlan on random front matter'], ['checkpoint', 'decodeCheckpoint on random and mutated bytes']]) {
    // Generous: ~1 ms a case for plans, far less for bytes; a hang shows as the timeout.
    const timeoutMs = 60_000 + cases * 5;
    const result = await runProcess(process.execPath, [WORKER, target, String(cases), String(seed)], { cwd: REPO, timeoutMs });
    const problems = [];
    if (result.timedOut) problems.push(`no end within ${timeoutMs} ms (a hang?)`);
    else if (result.code !== 0) problems.push(...(result.stderr || result.stdout).split('\n').slice(0, 20));
    report.expect(`fuzz: ${label}: ${cases} cases (seed ${seed}), only typed errors, no pollution, ${Math.round(result.ms)} ms`, problems);
  }
}
