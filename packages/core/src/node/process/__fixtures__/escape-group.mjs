// node escape-group.mjs [chatty]
// Starts a child in a session of its own that holds our stdout open for a long time (after printing a few
// ticks if chatty), prints its pid, and exits.
import { spawn } from 'node:child_process';

const ticks = "let n = 0; const t = setInterval(() => { console.log('tick ' + n); if (++n === 6) clearInterval(t); }, 50);";
const code = `${process.argv[2] === 'chatty' ? ticks : ''} setTimeout(() => {}, 60000);`;
const child = spawn(process.execPath, ['-e', code], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
child.unref();
process.stdout.write(`${JSON.stringify({ pids: [child.pid] })}\n`);
