// Shared by the benchmark scripts: loading the built @kazuba/core, a seeded random generator (also used by
// reliability/checks/crash.mjs) and random plans. Importing it has no effects: the build is loaded on demand.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url));
const BUILD = 'npx nx run @kazuba/core:build';

/**
 * The built @kazuba/core (packages/core/dist), or a clear exit when it is missing or older than the names asked for.
 * @param {readonly string[]} names exports the script needs
 */
export async function loadCore(names) {
  if (!existsSync(dist)) {
    console.error(`bench: ${dist} is missing. The benchmarks run the built package: build it first with\n  ${BUILD}`);
    process.exit(1);
  }
  const core = await import('@kazuba/core');
  const missing = names.filter((name) => typeof core[name] !== 'function');
  if (missing.length > 0) {
    console.error(`bench: the built @kazuba/core has no ${missing.join(', ')}; it is older than the sources. Rebuild with\n  ${BUILD}`);
    process.exit(1);
  }
  return core;
}

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export const between = (random, min, max) => min + Math.floor(random() * (max - min + 1));

/**
 * A random DAG as phase definitions for definePlan. Phases are laid in a random order and each may depend only on
 * phases laid before it: up to `maxDeps` of them, mostly among the `window` laid just before (so chains run deep),
 * sometimes anywhere earlier. Ids are a shuffle of 1..n, so they say nothing about the order.
 * @param {() => number} random
 * @param {{ phases: number, maxDeps?: number, window?: number, groups?: number }} options
 * @returns {{ id: number, dependsOn: number[], parallelGroup: string | null }[]}
 */
export function randomDag(random, { phases, maxDeps = 4, window = 50, groups = 0 }) {
  const ids = Array.from({ length: phases }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids.map((id, position) => {
    const dependsOn = new Set();
    const count = position === 0 ? 0 : between(random, 0, Math.min(maxDeps, position));
    for (let k = 0; k < count; k += 1) {
      const earlier = random() < 0.8 ? position - 1 - Math.floor(random() * Math.min(window, position)) : Math.floor(random() * position);
      dependsOn.add(ids[earlier]);
    }
    const group = groups === 0 || random() < 0.3 ? null : `g${between(random, 1, groups)}`;
    return { id, dependsOn: [...dependsOn], parallelGroup: group };
  });
}
