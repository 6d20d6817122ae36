import { describe, expect, it } from '@jest/globals';
import type { AttemptResult } from '../../schedule/ports.js';
import { classifyExitCode, exitFailureCode, tailOf } from './agent-exit.js';
import type { AgentExit } from './agent-exit.js';

function exit(fields: Partial<AgentExit>): AgentExit {
  return { profile: 'shell', exitCode: 0, signal: null, stopped: false, stdout: '', stderr: '', ...fields };
}

describe('classifyExitCode', () => {
  it.each<[string, Partial<AgentExit>, AttemptResult]>([
    ['exit 0 as a success', { stdout: 'ok' }, { outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } }],
    [
      'a non-zero exit, quoting stderr',
      { exitCode: 2, stdout: 'partial', stderr: 'npm ERR! missing script\n' },
      { outcome: 'failed', error: { name: 'AgentError', code: 'exit_2', message: 'shell exited with code 2: npm ERR! missing script' }, agent: { profile: 'shell', exitCode: 2 } },
    ],
    [
      'a non-zero exit with stdout only',
      { exitCode: 1, stdout: 'FAIL src/a.spec.ts' },
      { outcome: 'failed', error: { name: 'AgentError', code: 'exit_1', message: 'shell exited with code 1: FAIL src/a.spec.ts' }, agent: { profile: 'shell', exitCode: 1 } },
    ],
    [
      'a silent non-zero exit',
      { exitCode: 127 },
      { outcome: 'failed', error: { name: 'AgentError', code: 'exit_127', message: 'shell exited with code 127' }, agent: { profile: 'shell', exitCode: 127 } },
    ],
    [
      'a kill by a signal',
      { exitCode: null, signal: 'SIGSEGV' },
      { outcome: 'failed', error: { name: 'AgentError', code: 'signal_SIGSEGV', message: 'shell was killed by SIGSEGV' }, agent: { profile: 'shell', exitCode: null } },
    ],
    [
      'a stop by the hypervisor, even with exit 0',
      { stopped: true },
      { outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'shell was stopped by the hypervisor' }, agent: { profile: 'shell', exitCode: 0 } },
    ],
  ])('classifies %s', (_case, fields, expected) => {
    expect(classifyExitCode(exit(fields))).toEqual(expected);
  });
});

describe('exitFailureCode', () => {
  it('names the signal, the exit code or the stop', () => {
    expect(exitFailureCode({ exitCode: 3, signal: null, stopped: false })).toBe('exit_3');
    expect(exitFailureCode({ exitCode: null, signal: 'SIGTERM', stopped: false })).toBe('signal_SIGTERM');
    expect(exitFailureCode({ exitCode: null, signal: 'SIGTERM', stopped: true })).toBe('stopped');
  });
});

describe('tailOf', () => {
  it('keeps short text whole and marks a cut', () => {
    expect(tailOf('  short \n', 10)).toBe('short');
    expect(tailOf('0123456789abc', 3)).toBe('…abc');
  });
});
