// `npm run reliability`: the full suite. Options: --crash N, --fuzz N, --seed N, --only name,name.
import { parseArgs } from 'node:util';
import { CHECKS, runSuite } from './suite.mjs';

const { values } = parseArgs({
  options: {
    crash: { type: 'string', default: '30' },
    fuzz: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    only: { type: 'string', default: Object.keys(CHECKS).join(',') },
  },
});
const only = values.only.split(',').filter(Boolean);
const unknown = only.filter((name) => !(name in CHECKS));
if (unknown.length > 0) {
  console.error(`reliability: unknown check ${unknown.join(', ')} (known: ${Object.keys(CHECKS).join(', ')})`);
  process.exit(2);
}
await runSuite({ crash: Number(values.crash), fuzz: Number(values.fuzz), seed: Number(values.seed), only });
