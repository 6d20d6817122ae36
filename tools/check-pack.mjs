// Proves that @kazuba/toon is installable on its own: its npm tarball holds only the built package, and
// installed from that tarball into fresh ESM and CommonJS projects it round-trips a checkpoint in the
// kazuba binary format and in the default TOON text format.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const toonDir = fileURLToPath(new URL('../packages/toon', import.meta.url));
const allowedFiles = /^(package\.json|README(\.md)?|LICENSE(\.md|\.txt)?|dist\/.+)$/;
const forbiddenFiles = /(\.spec\.|__fixtures__|\.tsbuildinfo$)/;

const roundTrip = `
const input = { phase_id: 11, results: { overall: 'PASS' } };
for (const [format, bytes] of [['kazuba', encodeCheckpoint(input, { format: 'kazuba' })], ['toon', encodeCheckpoint(input)]]) {
  assert.ok(bytes instanceof Uint8Array, format + ': encodeCheckpoint returns bytes');
  assert.equal(detectFormat(bytes), format);
  const decoded = decodeCheckpoint(bytes);
  assert.equal(decoded.format, format);
  assert.deepStrictEqual(decoded.value, input);
}
`;

const consumers = [
  {
    name: 'an ESM project imports @kazuba/toon from the tarball and round-trips kazuba and toon checkpoints',
    manifest: { name: 'toon-consumer-esm', private: true, type: 'module' },
    file: 'main.mjs',
    source: `import assert from 'node:assert/strict';
import { encodeCheckpoint, decodeCheckpoint, detectFormat } from '@kazuba/toon';
${roundTrip}`,
  },
  {
    name: 'a CommonJS project requires @kazuba/toon from the tarball and round-trips kazuba and toon checkpoints',
    manifest: { name: 'toon-consumer-cjs', private: true, type: 'commonjs' },
    file: 'main.cjs',
    source: `const assert = require('node:assert/strict');
const { encodeCheckpoint, decodeCheckpoint, detectFormat } = require('@kazuba/toon');
${roundTrip}`,
  },
];

function runCommand(cwd, command, args) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

function packToon(destination) {
  if (!existsSync(join(toonDir, 'dist', 'index.js'))) {
    throw new Error('packages/toon/dist is missing: build first (`npx nx run @kazuba/toon:build`)');
  }
  const stdout = runCommand(toonDir, 'npm', ['pack', '--json', '--pack-destination', destination]);
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  return { tarball: join(destination, pack.filename), files: pack.files.map((file) => file.path) };
}

function checkTarballFiles(files) {
  const unexpected = files.filter((file) => !allowedFiles.test(file) || forbiddenFiles.test(file));
  if (unexpected.length > 0) throw new Error(`unexpected files in the tarball: ${unexpected.join(', ')}`);
  for (const required of ['package.json', 'dist/index.js', 'dist/index.d.ts']) {
    if (!files.includes(required)) throw new Error(`the tarball lacks ${required}`);
  }
}

function checkConsumer(projectDir, tarball, { manifest, file, source }) {
  mkdirSync(projectDir);
  writeFileSync(join(projectDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(projectDir, file), source);
  const install = ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'];
  runCommand(projectDir, 'npm', install);
  // require(esm) still warns on Node 20 and 22; the warning is expected, not news.
  runCommand(projectDir, process.execPath, ['--no-warnings=ExperimentalWarning', file]);
}

function runCheck(name, check, results) {
  try {
    check();
    console.log(`ok - ${name}`);
    results.passed += 1;
  } catch (error) {
    console.log(`not ok - ${name}: ${error.message}`);
    results.failed += 1;
  }
}

function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'kazuba-pack-'));
  const results = { passed: 0, failed: 0 };
  try {
    const { tarball, files } = packToon(scratch);
    const contentsCheck = 'the @kazuba/toon tarball holds only package.json, README, LICENSE and dist';
    runCheck(contentsCheck, () => checkTarballFiles(files), results);
    for (const consumer of consumers) {
      const projectDir = join(scratch, consumer.manifest.name);
      runCheck(consumer.name, () => checkConsumer(projectDir, tarball, consumer), results);
    }
  } catch (error) {
    console.error(`check-pack: could not pack @kazuba/toon: ${error.message}`);
    results.failed += 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  if (results.failed > 0) process.exitCode = 1;
}

main();
