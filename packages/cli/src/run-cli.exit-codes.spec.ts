import { afterAll, describe, expect, it } from '@jest/globals';
import { CommanderError } from 'commander';
import { BridgeError } from '@kazuba/bridge';
import { CoreError, PlanError } from '@kazuba/core';
import { ToonError } from '@kazuba/toon';
import { runSummarySchema } from '@kazuba/hypervisor-v2';
import { EXIT, reportFailure, runCli } from './run-cli.js';
import { CliError } from './run/cli-error.js';
import { removePlans, writePlan } from './e2e/__fixtures__/run/write-plan.js';

afterAll(removePlans);

async function report(error: unknown): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await reportFailure(error, { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stderr };
}

describe('reportFailure', () => {
  it.each([
    ['a bad flag', new CliError('invalid_option', '--workers: expected a whole number ≥ 1, got "0"'), EXIT.usage],
    ['a bad plan', new CliError('invalid_plan', 'plan/01.md: phase 1 depends on phase 7'), EXIT.usage],
    ['no terminal', new CliError('no_terminal', 'interactive mode needs a terminal'), EXIT.usage],
    ['a plan error', new PlanError([{ code: 'dependency_cycle', file: '03.md', message: 'cycle 3 → 4 → 3' }]), EXIT.usage],
    ['a checkpoint error', new ToonError('invalid_toon', 'checkpoints/phase_01.toon: invalid TOON at line 2'), EXIT.usage],
    ['a bad config', new CoreError('invalid_config', 'unknown agent profile "robot"'), EXIT.usage],
    ['an unreadable events file', new BridgeError('invalid_json_line', 'learning.jsonl:3: not JSON'), EXIT.usage],
    ['an events file that cannot be written', new BridgeError('io_error', 'cannot append to learning.jsonl: EACCES'), EXIT.usage],
  ])('prints %s in one line, without a stack, and exits 2', async (_what, error, code) => {
    expect(await report(error)).toEqual({ code, stderr: `hypervisor: ${error.message}\n` });
  });

  it.each([
    ['a failed run', new CliError('run_failed', 'the run failed', { reported: true }), EXIT.failed],
    ['an interrupted run', new CliError('interrupted', 'the run was interrupted', { reported: true }), EXIT.interrupted],
  ])('says nothing more about %s, which the command has reported', async (_what, error, code) => {
    expect(await report(error)).toEqual({ code, stderr: '' });
  });

  it('exits 0 after help and 2 after a usage error that commander reported', async () => {
    expect(await report(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: EXIT.ok, stderr: '' });
    expect(await report(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"))).toEqual({ code: EXIT.usage, stderr: '' });
  });

  it.each([
    ['an error of ours that is a bug', new CoreError('missing_port', 'interactive mode needs an approver')],
    ['a bridge failure that is not about a file', new BridgeError('rlm_failed', '1 RLM record could not be written')],
    ['anything else', new RangeError('out of range')],
    ['a thrown string', 'just a string'],
  ])('reports %s with its stack and exits 1', async (_what, error) => {
    const { code, stderr } = await report(error);
    expect(code).toBe(EXIT.failed);
    expect(stderr.startsWith('hypervisor: unexpected error, please report it\n')).toBe(true);
    if (error instanceof Error) expect(stderr).toMatch(/\n\s+at /);
  });
});

describe('hypervisor run, through runCli', () => {
  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {}, stdinIsTTY: false });
    return { code, stdout, stderr };
  }

  it('lists every option in its help', async () => {
    const help = await cli('run', '--help');
    expect(help.code).toBe(EXIT.ok);
    for (const flag of ['--mode', '-j, --workers', '--agent', '--root', '--timeout', '--retries', '--keep-going', '--force', '--only', '--from', '--checkpoint-format', '--events', '--no-history', '--json', '--quiet']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('exits 0 when every phase succeeds, 1 when one fails, 2 on a bad flag', async () => {
    const good = await writePlan([{ id: 1, run: 'true' }]);
    const ok = await cli('run', good.planDir, '--root', good.root, '--json', '--quiet');
    expect(ok.code).toBe(EXIT.ok);
    expect(runSummarySchema.parse(JSON.parse(ok.stdout)).outcome).toBe('succeeded');
    const bad = await writePlan([{ id: 1, run: 'exit 4' }]);
    expect((await cli('run', bad.planDir, '--root', bad.root, '--retries', '0', '--quiet')).code).toBe(EXIT.failed);
    expect(await cli('run', bad.planDir, '-j', 'many')).toEqual({ code: EXIT.usage, stdout: '', stderr: 'hypervisor: --workers: expected a whole number ≥ 1, got "many"\n' });
  });
});
