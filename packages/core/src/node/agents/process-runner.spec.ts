import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EMPTY, Observable, lastValueFrom, throwError, toArray } from 'rxjs';
import { isCoreError } from '../../core-error.js';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { RunnerEvent } from '../../schedule/ports.js';
import type { ProcessEvent, ProcessOptions } from '../process/process-types.js';
import { createFakeLauncher, hanging, played } from './__fixtures__/fake-launcher.js';
import type { LaunchScript } from './__fixtures__/fake-launcher.js';
import { createProcessRunner } from './process-runner.js';
import type { ProcessRunnerOptions } from './process-runner.js';

let root: string;
const env = { PATH: '/usr/bin', HOME: '/home/test' };
const claudeSuccess = '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"total_cost_usd":0.5,"session_id":"s-1"}';

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'process-runner-'));
  await mkdir(join(root, 'plan', 'validation'), { recursive: true });
  await writeFile(join(root, 'plan', 'validation', 'check.sh'), 'exit 0\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function phaseOf(definition: Partial<PhaseDefinition>): Phase {
  return definePlan([{ id: 7, prompt: 'Build the feature', checkpoint: 'checkpoints/phase_07.toon', ...definition }]).phases[0] as Phase;
}

function setup(script: LaunchScript, options: Partial<ProcessRunnerOptions> = {}) {
  const launcher = createFakeLauncher(script);
  const runner = createProcessRunner({ supervisor: launcher, root, planDir: 'plan', env, ...options });
  return { launcher, runner };
}

async function attempt(runner: ReturnType<typeof setup>['runner'], phase: Phase, signal = new AbortController().signal) {
  const events = await lastValueFrom(runner.run({ runId: 'run-1', phase, attempt: 2, prompt: phase.prompt, signal }).pipe(toArray()));
  return { events, result: (events.at(-1) as RunnerEvent & { type: 'result' }).result };
}

/** A process that runs until its signal aborts, then exits as stopped. */
function untilAborted(options: ProcessOptions): Observable<ProcessEvent> {
  return new Observable<ProcessEvent>((subscriber) => {
    const stop = (): void => {
      subscriber.next({ type: 'exit', result: { exitCode: null, signal: 'SIGTERM', stopped: true, stdoutTail: '', stderrTail: '', durationMs: 1 } });
      subscriber.complete();
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', stop, { once: true });
  });
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCoreError(error) && error.code === 'invalid_config') return error.message;
    throw error;
  }
  throw new Error('expected invalid_config');
}

describe('createProcessRunner', () => {
  it('hands the prompt to claude in the project root with the HYPERVISOR_* variables, relays output and reads the JSON result', async () => {
    const { launcher, runner } = setup(() => played({ stdoutTail: claudeSuccess }, [['stderr', 'thinking\n']]), { killGraceMs: 300 });
    const { events, result } = await attempt(runner, phaseOf({}));
    const [call] = launcher.calls;
    expect(call?.spec).toEqual({
      command: 'claude',
      args: ['-p', 'Build the feature', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits'],
      cwd: root,
      env: { ...env, HYPERVISOR_RUN_ID: 'run-1', HYPERVISOR_PHASE_ID: '7', HYPERVISOR_ATTEMPT: '2', HYPERVISOR_ROOT: root },
    });
    expect(call?.options).toMatchObject({ logFile: join(root, '.hypervisor', 'runs', 'run-1', 'phase-7.log'), killGraceMs: 300, tailChars: 1_048_576 });
    expect(call?.options.logHeader).toBe('=== phase 7 attempt 2: claude -p <prompt: 17 chars> --output-format stream-json --verbose --max-turns 50 --permission-mode acceptEdits ===');
    expect(events[0]).toEqual({ type: 'output', stream: 'stderr', text: 'thinking\n' });
    expect(result).toEqual({
      outcome: 'succeeded',
      agent: { profile: 'claude', exitCode: 0, isError: false, subtype: 'success', turns: 2, costUsd: 0.5, sessionId: 's-1' },
    });
  });

  it("runs a phase's run: line with the shell profile whatever the default profile", async () => {
    const { launcher, runner } = setup(() => played({ exitCode: 1, stderrTail: 'tests failed' }), { profile: 'codex' });
    const { result } = await attempt(runner, phaseOf({ run: 'npm test -- --ci' }));
    expect(launcher.calls[0]?.spec).toMatchObject({ command: '/bin/sh', args: ['-c', 'npm test -- --ci'] });
    expect(launcher.calls[0]?.options.tailChars).toBeUndefined();
    expect(result).toEqual({
      outcome: 'failed',
      error: { name: 'AgentError', code: 'exit_1', message: 'shell exited with code 1: tests failed' },
      agent: { profile: 'shell', exitCode: 1 },
    });
  });

  it('uses the default profile named in the options, user profiles included', async () => {
    const codexEvents = '{"type":"thread.started","thread_id":"t-1"}\n{"type":"turn.completed","usage":{}}\n';
    const codex = setup(() => played({ stdoutTail: codexEvents }), { profile: 'codex' });
    expect((await attempt(codex.runner, phaseOf({}))).result).toEqual({ outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1, sessionId: 't-1' } });
    expect(codex.launcher.calls[0]?.spec.args).toEqual(['exec', '--json', '-s', 'workspace-write', 'Build the feature']);
    const custom = setup(() => played(), { profile: 'aider', profiles: [{ name: 'aider', command: 'aider', args: ['--message', '{prompt}'] }] });
    await attempt(custom.runner, phaseOf({}));
    expect(custom.launcher.calls[0]?.spec).toMatchObject({ command: 'aider', args: ['--message', 'Build the feature'] });
  });

  it("takes the phase's turn limit over the runner's, and the runner's over the profile's", async () => {
    const { launcher, runner } = setup(() => played({ stdoutTail: claudeSuccess }), { maxTurns: 12 });
    await attempt(runner, phaseOf({}));
    await attempt(runner, phaseOf({ maxTurns: 4 }));
    const turns = launcher.calls.map((call) => call.spec.args[call.spec.args.indexOf('--max-turns') + 1]);
    expect(turns).toEqual(['12', '4']);
  });

  it('logs into runDir, keeps run ids inside the runs folder, and starts from process.cwd() and process.env by default', async () => {
    const inRunDir = setup(() => played(), { runDir: 'logs', profile: 'shell' });
    await attempt(inRunDir.runner, phaseOf({}));
    expect(inRunDir.launcher.calls[0]?.options.logFile).toBe(join(root, 'logs', 'phase-7.log'));
    const launcher = createFakeLauncher(() => played());
    const runner = createProcessRunner({ supervisor: launcher, profile: 'shell', runDir: join(root, 'elsewhere') });
    await attempt(runner, phaseOf({}));
    expect(launcher.calls[0]?.spec).toMatchObject({ cwd: process.cwd(), env: { PATH: process.env['PATH'], HYPERVISOR_ROOT: process.cwd() } });
    const odd = setup(() => played(), { profile: 'shell' });
    for (const runId of ['../up', '..']) {
      await lastValueFrom(odd.runner.run({ runId, phase: phaseOf({}), attempt: 1, prompt: '', signal: new AbortController().signal }).pipe(toArray()));
    }
    expect(odd.launcher.calls.map((call) => call.options.logFile)).toEqual([
      join(root, '.hypervisor', 'runs', '.._up', 'phase-7.log'),
      join(root, '.hypervisor', 'runs', '__', 'phase-7.log'),
    ]);
  });

  it('rejects invalid options and an unknown default profile', () => {
    const supervisor = createFakeLauncher(() => EMPTY);
    expect(configError(() => createProcessRunner({ supervisor, profile: 'cursor' }))).toContain('unknown agent profile "cursor" (known: claude, codex, gemini, shell)');
    expect(configError(() => createProcessRunner({ supervisor, maxTurns: 0 }))).toContain('maxTurns');
    expect(configError(() => createProcessRunner({ supervisor, killGraceMs: -1 }))).toContain('killGraceMs');
    expect(configError(() => createProcessRunner({ supervisor, profiles: [{ name: 'x', command: '', args: [] }] }))).toContain('profiles[0] ("x")');
  });

  it('turns a prompt no process can take, a launch error and a missing exit into failed results', async () => {
    const nul = await attempt(setup(() => played()).runner, phaseOf({ run: 'echo a\0b' }));
    expect(nul.result).toMatchObject({ outcome: 'failed', error: { name: 'CoreError', code: 'invalid_config' } });
    const broken = await attempt(setup(() => throwError(() => new Error('spawn claude EMFILE'))).runner, phaseOf({}));
    expect(broken.result).toEqual({ outcome: 'failed', error: { name: 'Error', code: 'launch_failed', message: 'cannot run claude (claude): spawn claude EMFILE' } });
    const silent = await attempt(setup(() => EMPTY).runner, phaseOf({}));
    expect(silent.result).toEqual({ outcome: 'failed', error: { name: 'RunnerError', code: 'no_result', message: 'the agent process ended without a result' } });
  });

  it('stops the process when the caller unsubscribes', async () => {
    const counter = { stopped: 0 };
    let started = (): void => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const { runner } = setup(() => {
      started();
      return hanging(counter);
    }, { profile: 'shell' });
    const subscription = runner.run({ runId: 'r', phase: phaseOf({}), attempt: 1, prompt: '', signal: new AbortController().signal }).subscribe();
    await running;
    expect(counter.stopped).toBe(0);
    subscription.unsubscribe();
    expect(counter.stopped).toBe(1);
  });
});

describe('createProcessRunner validation', () => {
  const validated = (exitCode: number, stdout: string): LaunchScript => (_call, index) =>
    index === 0 ? played({ stdoutTail: claudeSuccess }) : played({ exitCode, stdoutTail: stdout }, [['stdout', stdout]]);

  it('validates an agent success with the script from the plan folder and keeps its quality', async () => {
    const { launcher, runner } = setup(validated(0, 'ok\n{"quality": 64}\n'), { killGraceMs: 80 });
    const { events, result } = await attempt(runner, phaseOf({ validationScript: 'validation/check.sh' }));
    expect(launcher.calls[1]?.spec).toMatchObject({ command: 'sh', args: [join(root, 'plan', 'validation', 'check.sh')], cwd: root });
    expect(launcher.calls[1]?.spec.env).toBe(launcher.calls[0]?.spec.env);
    expect(launcher.calls[1]?.options).toMatchObject({ killGraceMs: 80, logFile: launcher.calls[0]?.options.logFile, signal: launcher.calls[0]?.options.signal });
    expect(launcher.calls[1]?.options.logHeader).toMatch(/^=== phase 7 attempt 2: claude .* — validation: validation\/check.sh ===$/);
    expect(events[0]).toEqual({ type: 'output', stream: 'stdout', text: 'ok\n{"quality": 64}\n' });
    expect(result).toMatchObject({
      outcome: 'succeeded',
      quality: 0.64,
      agent: { profile: 'claude', turns: 2 },
      validation: { script: 'validation/check.sh', passed: true, exitCode: 0 },
    });
  });

  it('fails the attempt when validation fails, keeping the agent report and the validation report', async () => {
    const { result } = await attempt(setup(validated(2, 'missing export\n')).runner, phaseOf({ validationScript: 'validation/check.sh' }));
    expect(result).toEqual({
      outcome: 'failed',
      error: { name: 'ValidationError', code: 'validation_failed', message: 'validation script validation/check.sh failed with exit code 2: missing export' },
      agent: expect.objectContaining({ profile: 'claude' }),
      validation: { script: 'validation/check.sh', passed: false, exitCode: 2, outputTail: 'missing export\n' },
    });
    const quiet = await attempt(setup(validated(1, '')).runner, phaseOf({ validationScript: 'validation/check.sh' }));
    expect(quiet.result).toMatchObject({ error: { message: 'validation script validation/check.sh failed with exit code 1' } });
    const missing = await attempt(setup(validated(0, '')).runner, phaseOf({ validationScript: 'validation/none.sh', run: 'true' }));
    expect(missing.result).toMatchObject({ error: { code: 'validation_failed', message: expect.stringMatching(/none\.sh did not pass: the validation script .* does not exist$/) } });
  });

  it('does not validate a failed attempt, nor one stopped before validation', async () => {
    const failed = setup(() => played({ exitCode: 1 }), { profile: 'shell' });
    expect((await attempt(failed.runner, phaseOf({ validationScript: 'validation/check.sh' }))).result.outcome).toBe('failed');
    expect(failed.launcher.calls).toHaveLength(1);
    const controller = new AbortController();
    const stopped = setup(() => {
      controller.abort();
      return played();
    });
    const { result } = await attempt(stopped.runner, phaseOf({ run: 'true', validationScript: 'validation/check.sh' }), controller.signal);
    expect(result).toEqual({ outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'the attempt was stopped before its validation' } });
    expect(stopped.launcher.calls).toHaveLength(1);
  });

  it('returns the checkpoint the validation script wrote during the attempt', async () => {
    const script: LaunchScript = (_call, index) => {
      if (index === 1) writeFileSync(join(root, 'checkpoints', 'phase_07.toon'), '{"phase_id": 7, "results": {"overall": "PASS"}}');
      return played();
    };
    await mkdir(join(root, 'checkpoints'));
    const { result } = await attempt(setup(script, { profile: 'shell' }).runner, phaseOf({ validationScript: 'validation/check.sh' }));
    expect(result).toMatchObject({ outcome: 'succeeded', scriptCheckpoint: { phase_id: 7, results: { overall: 'PASS' } } });
  });

  it('says so in the output when that checkpoint cannot be read', async () => {
    await mkdir(join(root, 'checkpoints'));
    const script: LaunchScript = () => {
      writeFileSync(join(root, 'checkpoints', 'phase_07.toon'), Buffer.from([0x54, 0x4f, 0x4f, 0x4e, 0x01, 0xc1]));
      return played();
    };
    const { events, result } = await attempt(setup(script, { profile: 'shell' }).runner, phaseOf({}));
    expect(events[0]).toEqual({ type: 'output', stream: 'stderr', text: expect.stringMatching(/^hypervisor: the checkpoint written at .*phase_07\.toon .* cannot be read/) });
    expect(result).toEqual({ outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } });
  });
});

describe('createProcessRunner delegate', () => {
  it('runs a task with the named profile, without validation, and completes with its result', async () => {
    const { launcher, runner } = setup(() => played({ stdoutTail: claudeSuccess }), { runDir: 'logs' });
    const first = runner.delegate({ phaseId: 3, task: 'Write docs', agentType: 'claude', options: { maxTurns: 9 } });
    const second = runner.delegate({ phaseId: 3, task: 'echo hi', agentType: 'shell', options: { maxTurns: 'many' } });
    expect(first.taskId).toBe('claude-3-1');
    expect(second.taskId).toBe('shell-3-2');
    await expect(first.outcome).resolves.toEqual({ status: 'completed', value: expect.objectContaining({ outcome: 'succeeded' }) });
    await expect(second.outcome).resolves.toEqual({ status: 'completed', value: { outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } } });
    // The two tasks start concurrently: find each one's process by its command, not by the order they launched in.
    const claude = launcher.calls.find((call) => call.spec.command === 'claude');
    const shell = launcher.calls.find((call) => call.spec.command === '/bin/sh');
    expect(launcher.calls).toHaveLength(2);
    expect(claude?.spec.args).toEqual(['-p', 'Write docs', '--output-format', 'stream-json', '--verbose', '--max-turns', '9', '--permission-mode', 'acceptEdits']);
    expect(claude?.spec.env).toMatchObject({ HYPERVISOR_PHASE_ID: '3', HYPERVISOR_ATTEMPT: '1', HYPERVISOR_RUN_ID: expect.stringMatching(/^delegated-/) });
    expect(claude?.options.logFile).toBe(join(root, 'logs', 'task-claude-3-1.log'));
    expect(shell?.spec.args).toEqual(['-c', 'echo hi']);
  });

  it('is cancelled through its handle or its signal, and stops the process', async () => {
    const { launcher, runner } = setup((call) => untilAborted(call.options));
    const handle = runner.delegate({ phaseId: 1, task: 't', agentType: 'shell' });
    handle.cancel('user pressed stop');
    await expect(handle.outcome).resolves.toEqual({ status: 'cancelled', reason: 'user pressed stop' });
    expect(launcher.calls[0]?.options.signal.aborted).toBe(true);
    const controller = new AbortController();
    const viaSignal = runner.delegate({ phaseId: 1, task: 't', agentType: 'shell', signal: controller.signal });
    controller.abort(new Error('run cancelled'));
    await expect(viaSignal.outcome).resolves.toEqual({ status: 'cancelled', reason: 'run cancelled' });
    const silent = runner.delegate({ phaseId: 1, task: 't', agentType: 'shell' });
    silent.cancel();
    await expect(silent.outcome).resolves.toEqual({ status: 'cancelled', reason: 'cancelled' });
    for (const reason of [null, '', { message: '' }]) {
      const quiet = new AbortController();
      const handle = runner.delegate({ phaseId: 1, task: 't', agentType: 'shell', signal: quiet.signal });
      quiet.abort(reason);
      await expect(handle.outcome).resolves.toEqual({ status: 'cancelled', reason: 'cancelled' });
    }
  });

  it('never starts a task whose signal is already aborted', async () => {
    const { launcher, runner } = setup(() => played());
    const handle = runner.delegate({ phaseId: 1, task: 't', agentType: 'shell', signal: AbortSignal.abort() });
    await expect(handle.outcome).resolves.toMatchObject({ status: 'cancelled' });
    expect(launcher.calls).toHaveLength(0);
  });

  it('fails, without rejecting, for an unknown profile', async () => {
    const { runner } = setup(() => played());
    const outcome = await runner.delegate({ phaseId: 1, task: 't', agentType: 'cursor' }).outcome;
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && isCoreError(outcome.error) && outcome.error.code).toBe('invalid_config');
  });

  it('reports an attempt that failed as a completed delegation carrying the failure', async () => {
    const { runner } = setup(() => played({ exitCode: 4 }));
    const outcome = await runner.delegate({ phaseId: 1, task: 'false', agentType: 'shell' }).outcome;
    expect(outcome).toEqual({ status: 'completed', value: expect.objectContaining({ outcome: 'failed' }) });
  });
});
