// node flood.mjs <MiB>: prints that many MiB as fast as the pipe takes them, in blocks of exactly 1 MiB of
// mixed one- to four-byte characters, so that reads split characters everywhere.
import { Buffer } from 'node:buffer';

const BLOCK = 1024 * 1024;
const UNIT = 'ab é € 😀 xyz\n';
const units = Math.floor(BLOCK / Buffer.byteLength(UNIT));
const block = Buffer.from(UNIT.repeat(units) + '.'.repeat(BLOCK - units * Buffer.byteLength(UNIT)));
const blocks = Number(process.argv[2]);
for (let index = 0; index < blocks; index += 1) {
  if (!process.stdout.write(block)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
