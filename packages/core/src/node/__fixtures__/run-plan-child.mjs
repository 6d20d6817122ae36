// Child process of the crash test: runs a plan with the built package until the test SIGKILLs it.
import { runPlan } from '@kazuba/core/node';

const [planDir, root] = process.argv.slice(2);
await runPlan(planDir, { root, runId: 'crashed', config: { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' } });
