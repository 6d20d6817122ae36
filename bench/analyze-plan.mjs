// How long definePlan and analyzePlan take on a seeded random 10,000-phase DAG. Runs the BUILT package:
//   npx nx run @kazuba/core:build && node --expose-gc bench/analyze-plan.mjs [--phases 10000] [--runs 9] [--seed 42]
// A benchmark, not a test: it prints figures and asserts nothing about speed.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { between, loadCore, randomDag, seededRandom } from './random-dag.mjs';

const { values } = parseArgs({
  options: { phases: { type: 'string', default: '10000' }, runs: { type: 'string', default: '9' }, seed: { type: 'string', default: '42' } },
});
const phases = Number(values.phases);
const runs = Number(values.runs);
const seed = Number(values.seed);
const { analyzePlan, definePlan, createHintEstimator } = await loadCore(['analyzePlan', 'definePlan', 'createHintEstimator']);

const random = seededRandom(seed);
const efforts = ['XS', 'S', 'M', 'L', 'XL'];
const definitions = randomDag(random, { phases, maxDeps: 6, window: 100, groups: 20 }).map((phase) => ({
  ...phase,
  estimates: random() < 0.8 ? { estimatedTokens: between(random, 1000, 20000) } : { effort: efforts[between(random, 0, 4)] },
}));
const edges = definitions.reduce((sum, phase) => sum + phase.dependsOn.length, 0);

// With --expose-gc (as `npm run bench` passes it) each timed run starts from a collected heap.
const collect = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;

/** Median, min and max in ms of `runs` timed calls after two untimed warm-up calls. */
function time(run) {
  run();
  run();
  const samples = [];
  let result;
  for (let i = 0; i < runs; i += 1) {
    collect();
    const start = performance.now();
    result = run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1], result };
}

const plan = definePlan(definitions, { name: `random-${phases}` });
const estimator = createHintEstimator();
const rows = [
  ['definePlan (validate, check graph, freeze)', time(() => definePlan(definitions, { name: `random-${phases}` }))],
  ["analyzePlan, 4 workers, 'strict'", time(() => analyzePlan(plan, { workers: 4, estimator }))],
  ["analyzePlan, 8 workers, 'ignore'", time(() => analyzePlan(plan, { workers: 8, estimator, groupPolicy: 'ignore' }))],
];
const analysis = rows[2][1].result;

const ms = (n) => `${n.toFixed(1)} ms`;
console.log(`@kazuba/core analysis benchmark — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`);
console.log(`plan: ${phases} phases, ${edges} dependencies, ${analysis.levels.length} levels, critical path of ${analysis.criticalPath.phaseIds.length} phases (seed ${seed})`);
console.log(`median of ${runs} runs after 2 warm-up runs${typeof globalThis.gc === 'function' ? ', heap collected before each' : ''}\n`);
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`${'step'.padEnd(width)}  ${'median'.padStart(10)}  ${'min'.padStart(10)}  ${'max'.padStart(10)}`);
for (const [name, t] of rows) console.log(`${name.padEnd(width)}  ${ms(t.median).padStart(10)}  ${ms(t.min).padStart(10)}  ${ms(t.max).padStart(10)}`);
