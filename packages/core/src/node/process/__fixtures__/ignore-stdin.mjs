// Never reads its stdin; says it is ready and waits for ever.
import { setInterval } from 'node:timers';

process.stdout.write('ready\n');
setInterval(() => undefined, 1000);
