// Crash: SIGKILL a parallel run at a random moment, kill the phase groups it left, resume; nothing finished runs again.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint } from '@kazuba/toon';
import { seededRandom } from '../../bench/random-dag.mjs';
import { CLI, deadline, killGroup, liveGroupMembers, makeTempDir, phaseFile, readPids, runCli, sleep } from '../lib.mjs';

const PHASES = 100;

function writePlan(planDir, random) {
  mkdirSync(planDir, { recursive: true });
  for (let id = 1; id <= PHASES; id += 1) {
    const deps = new Set();
    for (let k = 0; k < 2 && id > 1; k += 1) if (random() < 0.6) deps.add(1 + Math.floor(random() * (id - 1)));
    const sleepSeconds = (0.01 + random() * 0.09).toFixed(3);
    const run = `echo $$ >> "$HYPERVISOR_ROOT/pgids"; echo "$HYPERVISOR_PHASE_ID,$HYPERVISOR_ATTEMPT,$HYPERVISOR_RUN_ID" >> "$HYPERVISOR_ROOT/ledger"; sleep ${sleepSeconds}`;
    const fields = { phase: id, title: `crash phase ${id}`, depends_on: [...deps].sort((a, b) => a - b), parallel_group: 'all', run };
    writeFileSync(join(planDir, `phase-${String(id).padStart(3, '0')}.md`), phaseFile(fields));
  }
}

function readLedger(root) {
  const file = join(root, 'ledger');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [phase, attempt, runId] = line.split(',');
      return { phase: Number(phase), attempt: Number(attempt), runId };
    });
}

/** Decodes every checkpoint file: ids with a success record, plus problems for files that do not decode. */
function readCheckpoints(root) {
  const dir = join(root, 'checkpoints');
  const succeeded = new Set();
  const problems = [];
  const stray = [];
  if (!existsSync(dir)) return { succeeded, problems, stray };
  for (const name of readdirSync(dir)) {
    if (!/^phase_\d+\.toon$/.test(name)) {
      stray.push(name);
      continue;
    }
    try {
      const { value } = decodeCheckpoint(readFileSync(join(dir, name)));
      if (value.status === 'success') succeeded.add(value.phase_id);
    } catch (error) {
      problems.push(`${name} does not decode: ${error.message}`);
    }
  }
  return { succeeded, problems, stray };
}

/** Kills every phase group the killed run left, until no new group appears. */
async function killLeftGroups(root) {
  const killed = new Set();
  for (let quiet = 0; quiet < 4; ) {
    const pgids = readPids(join(root, 'pgids')).filter((pgid) => !killed.has(pgid));
    for (const pgid of pgids) {
      killGroup(pgid);
      killed.add(pgid);
    }
    quiet = pgids.length === 0 ? quiet + 1 : 0;
    await sleep(50);
  }
  const alive = [...killed].filter((pgid) => liveGroupMembers(pgid).length > 0);
  return { killed: killed.size, alive };
}

async function runIteration(seed) {
  // Seeded, so a failing iteration can be replayed.
  const random = seededRandom(seed);
  const temp = makeTempDir('crash');
  const root = temp.path;
  const plan = join(root, 'plan');
  const problems = [];
  let interrupted = false;
  try {
    writePlan(plan, random);
    const args = [CLI, 'run', plan, '--mode', 'parallel', '-j', '4', '--root', root, '--retries', '0', '--quiet', '--no-history'];
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
    // Startup takes ~0.3 s and the run ~2 s: kill anywhere from before the first phase to near the end.
    await Promise.race([deadline(100 + random() * 3000), exited]);
    interrupted = child.kill('SIGKILL');
    const first = await exited;
    interrupted = interrupted && first.signal === 'SIGKILL';
    const left = await killLeftGroups(root);
    if (left.alive.length > 0) problems.push(`phase groups still alive after SIGKILL: ${left.alive.join(', ')}`);
    const before = readCheckpoints(root);
    problems.push(...before.problems.map((p) => `after the kill: ${p}`));
    const ledgerBefore = readLedger(root).length;

    const resume = await runCli(args.slice(1), { timeoutMs: 120_000 });
    if (resume.code !== 0) problems.push(`resume exited ${resume.code}: ${resume.stderr.slice(0, 300)}`);
    const after = readCheckpoints(root);
    problems.push(...after.problems.map((p) => `after the resume: ${p}`));
    // Not a failure of the contract (the checkpoints are whole), but reported: a temporary file of a write cut by the
    // kill stays until its phase runs again (README.md, finding 4).
    if (after.stray.length > 0) console.log(`  # note: ${after.stray.length} leftover temporary file(s) in checkpoints/: ${after.stray[0]}`);
    const resumedEntries = readLedger(root).slice(ledgerBefore);
    const resumeRuns = new Set(resumedEntries.map((entry) => entry.runId));
    if (resumeRuns.size > 1) problems.push(`resume ledger lines carry ${resumeRuns.size} run ids`);
    const ranInResume = new Map();
    for (const entry of resumedEntries) ranInResume.set(entry.phase, (ranInResume.get(entry.phase) ?? 0) + 1);
    for (let id = 1; id <= PHASES; id += 1) {
      if (!after.succeeded.has(id)) problems.push(`phase ${id} has no success checkpoint after the resume`);
      const runs = ranInResume.get(id) ?? 0;
      if (before.succeeded.has(id) && runs > 0) problems.push(`phase ${id} had a success checkpoint before the kill and ran again (${runs}x)`);
      if (!before.succeeded.has(id) && runs !== 1) problems.push(`phase ${id} ran ${runs} times after the interruption, expected exactly once`);
    }
    return { problems, interrupted, doneBefore: before.succeeded.size, killedGroups: left.killed };
  } finally {
    temp.remove();
  }
}

/** @param {{ iterations: number, seed: number }} options */
export async function checkCrash(report, { iterations, seed }) {
  const started = performance.now();
  let interruptedCount = 0;
  for (let index = 0; index < iterations; index += 1) {
    const iterationSeed = (seed + index * 7919) >>> 0;
    const result = await runIteration(iterationSeed);
    if (result.interrupted) interruptedCount += 1;
    const label = `crash ${index + 1}/${iterations} (seed ${iterationSeed}): killed with ${result.doneBefore}/${PHASES} done, ${result.killedGroups} phase groups left`;
    report.expect(label, result.problems);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  report.expect(`crash: ${interruptedCount}/${iterations} runs were SIGKILLed mid-run (the rest finished before the kill) (${seconds} s)`, interruptedCount === 0 && iterations > 0 ? ['no iteration killed a run mid-way'] : []);
}

