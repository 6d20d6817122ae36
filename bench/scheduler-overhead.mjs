// Scheduling overhead of the run engine itself: 10,000 in-memory phases whose runner answers at once, so the time
// measured is the scheduler's (dispatch, bookkeeping, events, one event-loop turn per dispatch round on the
// asapScheduler that real runs use), not any work.
import { parseArgs } from 'node:util';
import { asapScheduler, lastValueFrom, of, toArray } from 'rxjs';
import { loadCore, randomDag, seededRandom } from './random-dag.mjs';

const { values } = parseArgs({
  options: { phases: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' }, seed: { type: 'string', default: '42' } },
});
const phases = Number(values.phases);
const runs = Number(values.runs);
const { createRun, definePlan } = await loadCore(['createRun', 'definePlan']);

const plan = definePlan(randomDag(seededRandom(Number(values.seed)), { phases }), { name: 'overhead' });
const runner = { run: () => of({ type: 'result', result: { outcome: 'succeeded' } }) };

async function once(mode, workers) {
  const started = performance.now();
  const events = await lastValueFrom(createRun(plan, { mode, maxWorkers: workers }, { runner, scheduler: asapScheduler }).pipe(toArray()));
  const elapsed = performance.now() - started;
  const outcome = events.at(-1)?.summary?.outcome;
  if (outcome !== 'succeeded') throw new Error(`run ended ${outcome}`);
  return elapsed;
}

async function measure(label, mode, workers) {
  await once(mode, workers);
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await once(mode, workers));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`| ${label} | ${median.toFixed(0)} ms | ${((median * 1000) / phases).toFixed(1)} µs |`);
}

console.log(`${phases} no-op phases, median of ${runs} runs after a warm-up\n`);
console.log('| run | total | per phase |');
console.log('|---|---:|---:|');
await measure('sequential', 'sequential', 1);
await measure('parallel, 8 workers', 'parallel', 8);
