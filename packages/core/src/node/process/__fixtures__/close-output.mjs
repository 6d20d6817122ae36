// Says it is closing, closes its stdout and stderr, and keeps running.
import { closeSync } from 'node:fs';
import { setInterval } from 'node:timers';

process.stdout.write('closing\n');
closeSync(1);
closeSync(2);
setInterval(() => undefined, 1000);
