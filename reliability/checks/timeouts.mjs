// Timeouts: with `--timeout 1`, phases that fork SIGTERM-trapping grandchildren, never read stdin, or close stdout are all gone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlan } from '@kazuba/core';
import { runPlan } from '@kazuba/core/node';
import { deadline, isPidAlive, killGroup, makeTempDir, phaseFile, readPids, runCli, sleep } from '../lib.mjs';

const NODE = JSON.stringify(process.execPath);
const STUBBORN = `${NODE} -e 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'`;

/** Each `run:` records its own pid and its children's in `pids`. */
const CASES = [
  ['grandchildren trapping SIGTERM', `echo $$ >> "$HYPERVISOR_ROOT/pids"; ${STUBBORN} & echo $! >> "$HYPERVISOR_ROOT/pids"; sh -c 'trap "" TERM; echo $$ >> "$HYPERVISOR_ROOT/pids"; while :; do sleep 0.1; done' & wait`],
  ['never reads stdin', `echo $$ >> "$HYPERVISOR_ROOT/pids"; exec ${NODE} -e 'setInterval(() => {}, 1000)'`],
  ['closes stdout and stderr and keeps running', `echo $$ >> "$HYPERVISOR_ROOT/pids"; exec >&- 2>&-; ${STUBBORN} & echo $! >> "$HYPERVISOR_ROOT/pids"; while :; do sleep 0.1; done`],
  ['SIGTERM-trapping phase itself', `echo $$ >> "$HYPERVISOR_ROOT/pids"; trap "" TERM; while :; do sleep 0.1; done`],
];

export async function checkTimeouts(report) {
  const temp = makeTempDir('timeouts');
  const root = temp.path;
  const plan = join(root, 'plan');
  let pids = [];
  try {
    mkdirSync(plan);
    CASES.forEach(([title, run], index) =>
      writeFileSync(join(plan, `phase-${index + 1}.md`), phaseFile({ phase: index + 1, title, parallel_group: 'all', run })),
    );
    const args = ['run', plan, '--mode', 'parallel', '-j', '4', '--root', root, '--timeout', '1', '--retries', '0', '--keep-going', '--quiet', '--no-history'];
    const result = await runCli(args, { timeoutMs: 30_000 });
    await sleep(200);
    pids = readPids(join(root, 'pids'));
    const problems = [];
    if (result.timedOut) problems.push('the run did not end within 30 s');
    if (result.code !== 1) problems.push(`exit code ${result.code}, expected 1 (phases timed out); stderr: ${result.stderr.slice(0, 300)}`);
    if (pids.length < 7) problems.push(`only ${pids.length} pids recorded, expected at least 7`);
    const alive = pids.filter(isPidAlive);
    if (alive.length > 0) problems.push(`still alive after the run: ${alive.join(', ')}`);
    report.expect(`timeouts: ${CASES.map(([title]) => title).join('; ')}: ${pids.length} processes gone, run ended in ${Math.round(result.ms)} ms`, problems);
  } finally {
    for (const pid of pids) if (isPidAlive(pid)) killGroup(pid);
    temp.remove();
  }
}

/** A `stdin` agent that never reads a 4 MiB prompt (far beyond a pipe's buffer), through runPlan with a 1 s timeout. */
export async function checkStdinTimeout(report) {
  const temp = makeTempDir('stdin');
  const root = temp.path;
  let pids = [];
  try {
    // A phase file may hold at most 1 MiB: the 4 MiB prompt comes in a plan defined in code, as an embedder's would.
    const plan = definePlan([{ id: 1, name: 'agent that never reads its prompt', prompt: 'p'.repeat(4 * 1024 * 1024), checkpoint: 'checkpoints/phase_1.toon' }]);
    const script = `require("fs").appendFileSync(process.env.HYPERVISOR_ROOT + "/pids", process.pid + "\\n"); setInterval(() => {}, 1000)`;
    const profiles = [{ name: 'deaf', command: process.execPath, args: ['-e', script], promptVia: 'stdin', result: 'exit-code' }];
    const started = performance.now();
    const guard = deadline(30_000);
    const summary = await Promise.race([
      runPlan(plan, { root, agent: 'deaf', profiles, killGraceMs: 500, config: { timeoutPerPhaseMs: 1000, maxRetries: 0 } }),
      guard,
    ]);
    const ms = performance.now() - started;
    await sleep(200);
    pids = readPids(join(root, 'pids'));
    const problems = [];
    if (summary === 'timeout') problems.push('runPlan did not end within 30 s');
    else if (summary.outcome === 'succeeded') problems.push('the phase succeeded, expected a timeout');
    if (pids.length !== 1) problems.push(`${pids.length} pids recorded, expected 1`);
    const alive = pids.filter(isPidAlive);
    if (alive.length > 0) problems.push(`still alive: ${alive.join(', ')}`);
    report.expect(`timeouts: an agent that never reads a 4 MiB stdin prompt is gone after the 1 s timeout (runPlan ended in ${Math.round(ms)} ms)`, problems);
  } finally {
    for (const pid of pids) if (isPidAlive(pid)) killGroup(pid);
    temp.remove();
  }
}
