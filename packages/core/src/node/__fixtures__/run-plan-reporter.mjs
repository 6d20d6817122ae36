// Child process of the kill test: runs a plan with the built package and reports each phase that finished with
// success on stdout (`done <id>`, written synchronously to the pipe), as a user's terminal would see it.
import { createPlanRun } from '@kazuba/core/node';

const [planDir, root, runId] = process.argv.slice(2);
createPlanRun(planDir, { root, runId, config: { mode: 'parallel', maxWorkers: 4, groupPolicy: 'ignore' } }).subscribe((event) => {
  if (event.type === 'phase:finished' && event.status === 'success') process.stdout.write(`done ${event.phaseId}\n`);
});
