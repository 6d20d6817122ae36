// Plays its arguments in order: out:<text>, err:<text>, outhex:<hex bytes>, sleep:<ms>, exit:<code>, kill:<signal>.
import { Buffer } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';

for (const step of process.argv.slice(2)) {
  const colon = step.indexOf(':');
  const [op, value] = [step.slice(0, colon), step.slice(colon + 1)];
  if (op === 'out') process.stdout.write(value);
  else if (op === 'err') process.stderr.write(value);
  else if (op === 'outhex') process.stdout.write(Buffer.from(value, 'hex'));
  else if (op === 'sleep') await sleep(Number(value));
  else if (op === 'exit') process.exit(Number(value));
  else if (op === 'kill') process.kill(process.pid, value);
  else throw new Error(`unknown step ${step}`);
}
