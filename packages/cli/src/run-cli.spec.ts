import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCheckpoint, readCheckpoint } from '@kazuba/toon';
import { EXIT, runCli } from './run-cli.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function checkpointFile(bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-cli-'));
  scratchDirs.push(dir);
  const path = join(dir, 'phase_11.toon');
  await writeFile(path, bytes);
  return path;
}

const original = { phase_id: 11, results: { overall: 'PASS', checks: { lint: { status: 'PASS' } } } };
const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };

describe('runCli', () => {
  it('prints the version on stdout', async () => {
    expect(await run('--version')).toEqual({ code: EXIT.ok, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help for checkpoint on stdout', async () => {
    const result = await run('checkpoint', '--help');
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain('show [options] <file>');
    expect(result.stdout).toContain('convert [options] <in> <out>');
  });

  it('exits 2 on an unknown command or option, saying why on stderr', async () => {
    const unknown = await run('launch');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain("unknown command 'launch'");
    const badFormat = await run('checkpoint', 'convert', 'a', 'b', '--to', 'yaml');
    expect(badFormat.code).toBe(EXIT.usage);
    expect(badFormat.stderr).toContain('Allowed choices are toon, kazuba, msgpack, json');
  });

  it('reports an unexpected failure with its stack and exit 1', async () => {
    let stderr = '';
    const code = await runCli(['--version'], {
      stdout: { write: () => { throw new TypeError('stdout is gone'); } },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(code).toBe(EXIT.failed);
    expect(stderr).toMatch(/^hypervisor: unexpected error, please report it\nTypeError: stdout is gone\n\s+at /);
  });

  describe('checkpoint show', () => {
    it("prints an original kazuba checkpoint as TOON, and its format on stderr", async () => {
      const path = await checkpointFile(encodeCheckpoint(original, { format: 'kazuba' }));
      const result = await run('checkpoint', 'show', path);
      expect(result).toEqual({
        code: EXIT.ok,
        stdout: 'phase_id: 11\nresults:\n  overall: PASS\n  checks:\n    lint:\n      status: PASS\n',
        stderr: `${path}: kazuba\n`,
      });
    });

    it('prints JSON with --json', async () => {
      const path = await checkpointFile(encodeCheckpoint(original, { format: 'msgpack' }));
      const result = await run('checkpoint', 'show', path, '--json');
      expect(JSON.parse(result.stdout)).toEqual(original);
      expect(result.stderr).toBe(`${path}: msgpack\n`);
    });

    it('says in one line, with exit 2, that a file is missing or corrupt', async () => {
      const missing = await run('checkpoint', 'show', join(tmpdir(), 'no-such-dir', 'x.toon'));
      expect(missing.code).toBe(EXIT.usage);
      expect(missing.stderr).toMatch(/^hypervisor: .*x\.toon: no such checkpoint file\n$/);
      const corrupt = await run('checkpoint', 'show', await checkpointFile(Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 7, 0x80)));
      expect(corrupt.code).toBe(EXIT.usage);
      expect(corrupt.stderr).toMatch(/^hypervisor: .*phase_11\.toon: unsupported kazuba version 7 at byte 4 .*\n$/);
    });
  });

  describe('checkpoint convert', () => {
    it.each(['kazuba', 'json', 'msgpack', 'toon'] as const)('rewrites a checkpoint as %s', async (to) => {
      const input = await checkpointFile(encodeCheckpoint(original, { format: 'json' }));
      const output = join(input, '..', 'out', `converted.${to}`);
      const result = await run('checkpoint', 'convert', input, output, '--to', to);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stderr).toMatch(new RegExp(`\\(json\\) -> .*converted\\.${to} \\(${to}, \\d+ bytes\\)\\n$`));
      expect(await readCheckpoint(output)).toEqual({ format: to, value: original });
    });

    it('writes TOON unless told otherwise', async () => {
      const input = await checkpointFile(encodeCheckpoint(original, { format: 'kazuba' }));
      const output = join(input, '..', 'converted.toon');
      expect((await run('checkpoint', 'convert', input, output)).code).toBe(EXIT.ok);
      expect((await readCheckpoint(output)).format).toBe('toon');
    });
  });
});

// The installed command: the built entry file, run as a user would (the test target builds first).
describe('the hypervisor executable', () => {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

  it('runs from the build and sets its exit code', () => {
    if (!existsSync(main)) throw new Error('build @kazuba/cli first (nx test does): this test runs dist/main.js');
    const ok = spawnSync(process.execPath, [main, '--version'], { encoding: 'utf8' });
    expect({ status: ok.status, stdout: ok.stdout }).toEqual({ status: 0, stdout: `${version}\n` });
    const usage = spawnSync(process.execPath, [main, 'nope'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
