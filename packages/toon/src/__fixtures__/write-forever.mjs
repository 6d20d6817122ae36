// Child process of the atomic-write test: rewrites one checkpoint as fast as it can until it is killed.
// Every version is self-checking: `pad` has exactly `size` characters.
import { writeCheckpoint } from '@kazuba/toon';

const [path, format] = process.argv.slice(2);
for (let version = 0; ; version += 1) {
  const size = 50_000 + (version % 13) * 7_919;
  await writeCheckpoint(path, { version, size, pad: 'x'.repeat(size) }, { format });
  if (version === 0) process.stdout.write('ready\n');
}
