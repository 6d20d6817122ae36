// The short smoke of the reliability suite that `npm test` runs: every check, small counts, a fixed seed
// (and only the plain SIGINT run, without the one that waits out the 5 s kill grace).
import { CHECKS, runSuite } from './suite.mjs';

await runSuite({ crash: 2, fuzz: 500, seed: 20261125, only: Object.keys(CHECKS), quick: true });
