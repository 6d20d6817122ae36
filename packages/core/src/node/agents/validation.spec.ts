import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { lastValueFrom, throwError, toArray } from 'rxjs';
import { createFakeLauncher, played } from './__fixtures__/fake-launcher.js';
import type { LaunchScript } from './__fixtures__/fake-launcher.js';
import { VALIDATION_TAIL_CHARS, parseQuality, runValidation, validationCommand } from './validation.js';
import type { ValidationEvent } from './validation.js';

let planDir: string;
const root = '/project';
const env = { PATH: '/usr/bin', HYPERVISOR_PHASE_ID: '11' };

beforeEach(async () => {
  planDir = await mkdtemp(join(tmpdir(), 'validation-'));
  await mkdir(join(planDir, 'validation'));
  await writeFile(join(planDir, 'validation', 'check.py'), 'print("ok")\n');
});

afterEach(async () => {
  await rm(planDir, { recursive: true, force: true });
});

async function validate(script: LaunchScript, scriptPath = 'validation/check.py', extra = {}) {
  const launcher = createFakeLauncher(script);
  const signal = new AbortController().signal;
  const events = await lastValueFrom(runValidation({ launcher, script: scriptPath, planDir, root, env, signal, ...extra }).pipe(toArray()));
  return { launcher, events, signal, verdict: events.at(-1) as ValidationEvent & { type: 'validated' } };
}

describe('validationCommand', () => {
  it.each([
    ['/p/v/check.py', 'python3', ['/p/v/check.py']],
    ['/p/v/CHECK.PY', 'python3', ['/p/v/CHECK.PY']],
    ['/p/v/check.sh', 'sh', ['/p/v/check.sh']],
    ['/p/v/check.js', process.execPath, ['/p/v/check.js']],
    ['/p/v/check.mjs', process.execPath, ['/p/v/check.mjs']],
    ['/p/v/check.cjs', process.execPath, ['/p/v/check.cjs']],
    ['/p/v/check', '/p/v/check', []],
    ['/p/v/check.rb', '/p/v/check.rb', []],
  ])('runs %s with %s', (path, command, args) => {
    expect(validationCommand(path)).toEqual({ command, args });
  });
});

describe('parseQuality', () => {
  it.each<[string, number | undefined]>([
    ['all good\n{"quality": 85}\n\n', 0.85],
    ['{"quality": 0}', 0],
    ['{"quality": 100, "notes": "x"}', 1],
    ['{"quality": 85}\nthen more text', undefined],
    ['{"quality": 101}', undefined],
    ['{"quality": -1}', undefined],
    ['{"quality": "85"}', undefined],
    ['{quality: 85}', undefined],
    ['{}', undefined],
    ['', undefined],
  ])('reads %j as %s', (stdout, quality) => {
    expect(parseQuality(stdout)).toBe(quality);
  });
});

describe('runValidation', () => {
  it('runs the script from the project root with the phase environment and reports a pass with its quality', async () => {
    const stdout = 'checked 4 files\n{"quality": 72}\n';
    const { launcher, events, signal } = await validate(
      () => played({ stdoutTail: stdout, stderrTail: 'warn\n' }, [['stdout', 'checked 4 files\n'], ['stderr', 'warn\n'], ['stdout', '{"quality": 72}\n']]),
      'validation/check.py',
      { killGraceMs: 250, logFile: '/logs/phase-11.log', logHeader: '=== validation ===' },
    );
    expect(launcher.calls).toEqual([
      {
        spec: { command: 'python3', args: [join(planDir, 'validation', 'check.py')], cwd: root, env },
        options: { signal, killGraceMs: 250, logFile: '/logs/phase-11.log', logHeader: '=== validation ===' },
      },
    ]);
    expect(events).toEqual([
      { type: 'output', stream: 'stdout', text: 'checked 4 files\n' },
      { type: 'output', stream: 'stderr', text: 'warn\n' },
      { type: 'output', stream: 'stdout', text: '{"quality": 72}\n' },
      {
        type: 'validated',
        report: { script: 'validation/check.py', passed: true, exitCode: 0, outputTail: 'checked 4 files\nwarn\n{"quality": 72}\n' },
        quality: 0.72,
      },
    ]);
  });

  it('fails on a non-zero exit and ignores its quality', async () => {
    const { verdict } = await validate(() => played({ exitCode: 3, stdoutTail: '{"quality": 90}\n' }, [['stdout', '{"quality": 90}\n']]));
    expect(verdict).toEqual({ type: 'validated', report: { script: 'validation/check.py', passed: false, exitCode: 3, outputTail: '{"quality": 90}\n' } });
  });

  it('fails when the script was stopped', async () => {
    const { verdict } = await validate(() => played({ exitCode: null, signal: 'SIGTERM', stopped: true }));
    expect(verdict.report).toMatchObject({ passed: false, exitCode: null });
  });

  it('keeps only the last 4 KB of output, falling back to the tails without output events', async () => {
    const { verdict } = await validate(() => played({}, [['stdout', 'a'.repeat(5000)], ['stderr', 'END']]));
    expect(verdict.report.outputTail).toHaveLength(VALIDATION_TAIL_CHARS);
    expect(verdict.report.outputTail.endsWith('aEND')).toBe(true);
    const quiet = await validate(() => played({ stdoutTail: 'out\n', stderrTail: 'err\n' }));
    expect(quiet.verdict.report.outputTail).toBe('out\nerr\n');
  });

  it('fails without running anything when the script is missing or not a file', async () => {
    const missing = await validate(() => played(), 'validation/nope.py');
    expect(missing.launcher.calls).toHaveLength(0);
    expect(missing.verdict.report).toEqual({
      script: 'validation/nope.py',
      passed: false,
      exitCode: null,
      outputTail: `the validation script ${join(planDir, 'validation', 'nope.py')} does not exist`,
    });
    const folder = await validate(() => played(), 'validation');
    expect(folder.verdict.report.outputTail).toMatch(/is not a file$/);
    const under = await validate(() => played(), 'validation/check.py/inner.py');
    expect(under.verdict.report.outputTail).toMatch(/^cannot read the validation script .*ENOTDIR/);
  });

  it('fails when the script cannot be started', async () => {
    const { verdict } = await validate(() => throwError(() => new Error('spawn python3 ENOENT')));
    expect(verdict.report).toMatchObject({ passed: false, exitCode: null, outputTail: 'cannot run the validation script: spawn python3 ENOENT' });
  });
});
