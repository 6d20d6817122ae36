// Runs the checks in order and prints `N passed, N failed`; exit code 1 on any failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO, createReporter } from './lib.mjs';

// Checks are imported on use: a missing build is then one `not ok` line, not an import crash.
const load = (file) => import(`./checks/${file}.mjs`);

export const CHECKS = {
  crash: async (report, options) => (await load('crash')).checkCrash(report, { iterations: options.crash, seed: options.seed }),
  interrupt: async (report, options) => (await load('interrupt')).checkInterrupt(report, { quick: options.quick === true }),
  timeouts: async (report) => {
    const { checkStdinTimeout, checkTimeouts } = await load('timeouts');
    await checkTimeouts(report);
    await checkStdinTimeout(report);
  },
  corpus: async (report) => (await load('corpus')).checkCorpus(report),
  fuzz: async (report, options) => (await load('fuzz')).checkFuzz(report, { cases: options.fuzz, seed: options.seed }),
  injection: async (report) => (await load('injection')).checkInjection(report),
};

/** @param {{ crash: number, fuzz: number, seed: number, only: string[], quick?: boolean }} options */
export async function runSuite(options) {
  const report = createReporter();
  const started = performance.now();
  const built = [CLI, join(REPO, 'packages/toon/dist/index.js'), join(REPO, 'packages/core/dist/node/index.js'), join(REPO, 'packages/core/dist/index.js')].filter((file) => !existsSync(file));
  if (built.length > 0) {
    report.fail('the packages are built', `missing ${built.join(', ')}: run npx nx run-many -t build`);
  } else {
    for (const name of options.only) {
      const checkStarted = performance.now();
      try {
        await CHECKS[name](report, options);
      } catch (error) {
        report.fail(`${name}: the check itself crashed`, error?.stack ?? error);
      }
      console.log(`# ${name}: ${((performance.now() - checkStarted) / 1000).toFixed(1)} s`);
    }
  }
  console.log(`# total: ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${options.seed})`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}
