// How close the scheduler's rule (longest remaining path first, no waves) comes to the lower bound, against a
// level-by-level wave schedule, on 50 seeded random DAGs of 50 to 500 phases at 2, 4 and 8 workers, groupPolicy
// 'ignore'. Runs the BUILT package:
//   npx nx run @kazuba/core:build && node bench/schedule-quality.mjs [--seed 7]
import { parseArgs } from 'node:util';
import { between, loadCore, randomDag, seededRandom } from './random-dag.mjs';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '7' }, plans: { type: 'string', default: '50' } } });
const { analyzePlan, definePlan, simulatePlan } = await loadCore(['analyzePlan', 'definePlan', 'simulatePlan']);
const random = seededRandom(Number(values.seed));
const WORKERS = [2, 4, 8];

/**
 * Waves: each level starts when the previous one has entirely finished; inside a level, phases go in id order to
 * the worker that is free first.
 */
function waveMakespan(levels, durations, workers) {
  let total = 0;
  for (const level of levels) {
    const free = new Array(workers).fill(0);
    for (const id of [...level].sort((a, b) => a - b)) {
      let worker = 0;
      for (let w = 1; w < workers; w += 1) if (free[w] < free[worker]) worker = w;
      free[worker] += durations.get(id);
    }
    total += Math.max(...free);
  }
  return total;
}

const ratios = new Map(WORKERS.map((workers) => [workers, { ours: [], waves: [], oursWins: 0, ties: 0 }]));
const plans = Number(values.plans);
for (let p = 0; p < plans; p += 1) {
  const size = between(random, 50, 500);
  const plan = definePlan(randomDag(random, { phases: size, maxDeps: 3, window: 30 }), { name: `quality-${p}` });
  // Most phases take minutes, a few take hours: the long ones are what ordering is about.
  const durations = new Map(plan.phases.map((phase) => [phase.id, random() < 0.85 ? between(random, 1, 20) * 60_000 : between(random, 20, 120) * 60_000]));
  const estimator = { estimate: (phase) => ({ durationMs: durations.get(phase.id), source: 'history' }) };
  for (const workers of WORKERS) {
    const analysis = analyzePlan(plan, { workers, estimator, groupPolicy: 'ignore' });
    const ours = simulatePlan(plan, { workers, durations, groupPolicy: 'ignore' }).makespanMs;
    const waves = waveMakespan(analysis.levels, durations, workers);
    const entry = ratios.get(workers);
    entry.ours.push(ours / analysis.lowerBoundMs);
    entry.waves.push(waves / analysis.lowerBoundMs);
    if (ours < waves) entry.oursWins += 1;
    else if (ours === waves) entry.ties += 1;
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x) => x.toFixed(3);
console.log(`makespan / lower bound on ${plans} random DAGs (50–500 phases, seed ${values.seed}), groupPolicy 'ignore'\n`);
console.log('workers  ours mean  ours worst  waves mean  waves worst  ours shorter  tie');
for (const [workers, r] of ratios) {
  console.log(
    `${String(workers).padStart(7)}  ${f(mean(r.ours)).padStart(9)}  ${f(Math.max(...r.ours)).padStart(10)}  ${f(mean(r.waves)).padStart(10)}  ${f(Math.max(...r.waves)).padStart(11)}  ${`${r.oursWins}/${plans}`.padStart(12)}  ${String(r.ties).padStart(3)}`,
  );
}
