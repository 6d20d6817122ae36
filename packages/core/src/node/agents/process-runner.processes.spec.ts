import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import { createProcessSupervisor } from '../process/process-supervisor.js';
import { STDIN_PROMPT_BYTES } from './agent-args.js';
import { AGENT_FIXTURES, makeFakeClaudeRoot } from './__fixtures__/fake-claude-root.js';
import { createProcessRunner } from './process-runner.js';
import type { ProcessRunner, ProcessRunnerOptions } from './process-runner.js';

const fixtures = AGENT_FIXTURES;
const supervisor = createProcessSupervisor();
let root: string;
let record: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ root, record, env } = await makeFakeClaudeRoot('runner-processes-'));
  await chmod(join(fixtures, 'validation', 'check'), 0o755);
});

afterAll(async () => {
  await supervisor.shutdown();
  await rm(root, { recursive: true, force: true });
});

function phaseOf(definition: Partial<PhaseDefinition>): Phase {
  return definePlan([{ id: 7, prompt: 'mode:success', checkpoint: 'checkpoints/phase_7.toon', ...definition }]).phases[0] as Phase;
}

function runnerWith(options: Partial<ProcessRunnerOptions> = {}): ProcessRunner {
  return createProcessRunner({ supervisor, root, planDir: fixtures, env, killGraceMs: 200, ...options });
}

async function attempt(phase: Phase, options: Partial<ProcessRunnerOptions> = {}, signal = new AbortController().signal) {
  const events = await lastValueFrom(runnerWith(options).run({ runId: 'real', phase, attempt: 1, prompt: phase.prompt, signal }).pipe(toArray()));
  const output = events.flatMap((event) => (event.type === 'output' ? [event.text] : [])).join('');
  return { events, output, result: (events.at(-1) as RunnerEvent & { type: 'result' }).result };
}

async function recorded(): Promise<{ argv: string[]; stdin: string; cwd: string; env: Record<string, string> }> {
  return JSON.parse(await readFile(record, 'utf8'));
}

describe('createProcessRunner with real processes', () => {
  it('passes a hostile prompt to claude untouched as one argument, with --max-turns and the phase environment', async () => {
    const prompt = `mode:success it's "quoted" $(touch pwned) \`id\`; rm -rf ~ && echo $HOME\nnext line\t|| true`;
    const { result, output } = await attempt(phaseOf({ prompt, maxTurns: 7 }));
    expect(result).toEqual({
      outcome: 'succeeded',
      agent: { profile: 'claude', exitCode: 0, isError: false, subtype: 'success', turns: 3, costUsd: 0.0123, sessionId: 'session-42' },
    });
    const seen = await recorded();
    expect(seen.argv).toEqual(['-p', prompt, '--output-format', 'stream-json', '--verbose', '--max-turns', '7', '--permission-mode', 'acceptEdits']);
    expect(seen.stdin).toBe('');
    expect(seen.cwd).toBe(root);
    expect(seen.env).toEqual({ HYPERVISOR_RUN_ID: 'real', HYPERVISOR_PHASE_ID: '7', HYPERVISOR_ATTEMPT: '1', HYPERVISOR_ROOT: root });
    expect(output).toContain('fake claude: working');
    await expect(readFile(join(root, '.hypervisor', 'runs', 'real', 'phase-7.log'), 'utf8')).resolves.toContain('fake claude: working');
  });

  it('sends a large prompt on stdin', async () => {
    const prompt = `mode:success ${'z'.repeat(STDIN_PROMPT_BYTES)}`;
    expect((await attempt(phaseOf({ prompt }))).result.outcome).toBe('succeeded');
    const seen = await recorded();
    expect(seen.argv).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits']);
    expect(seen.stdin).toBe(prompt);
  });

  it.each<[string, Partial<AttemptResult>]>([
    ['is_error', { outcome: 'failed', error: { name: 'AgentError', code: 'agent_error', message: 'claude answered with an error: The tool failed' } }],
    ['max_turns', { outcome: 'failed', error: { name: 'AgentError', code: 'max_turns', message: 'claude reported error_max_turns' } }],
    ['rate_limit', { outcome: 'rate_limited', resetAt: 1_750_708_800_000, message: 'Claude AI usage limit reached|1750708800' }],
    ['verbose', { outcome: 'succeeded' }],
    ['garbage', { outcome: 'failed', error: { name: 'AgentError', code: 'unparseable_result', message: 'claude printed no JSON result: this is not { json' } }],
    [
      'crash',
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'exit_1', message: 'claude exited with code 1: fake claude: working\nTypeError: cannot read properties of undefined' },
      },
    ],
  ])('classifies the %s answer', async (mode, expected) => {
    const { result } = await attempt(phaseOf({ prompt: `mode:${mode}` }));
    expect(result).toMatchObject(expected);
  });

  it("runs a run: line through /bin/sh with the phase's variables", async () => {
    const run = 'echo "$HYPERVISOR_PHASE_ID/$HYPERVISOR_ATTEMPT/$HYPERVISOR_RUN_ID" && pwd >&2';
    const { result, output } = await attempt(phaseOf({ run }));
    expect(result).toEqual({ outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } });
    expect(output).toContain('7/1/real\n');
    expect(output).toContain(root);
    const failed = await attempt(phaseOf({ run: 'echo broken >&2; exit 3' }));
    expect(failed.result).toMatchObject({ outcome: 'failed', error: { code: 'exit_3', message: 'shell exited with code 3: broken' } });
  });

  it('stops the process group when the attempt is aborted', async () => {
    const controller = new AbortController();
    const phase = phaseOf({ run: 'echo started; sleep 30; echo never' });
    const events: RunnerEvent[] = [];
    await new Promise<void>((resolve) => {
      runnerWith()
        .run({ runId: 'real', phase, attempt: 1, prompt: '', signal: controller.signal })
        .subscribe({
          next: (event) => {
            events.push(event);
            if (event.type === 'output') controller.abort(new Error('timed out'));
          },
          complete: resolve,
        });
    });
    expect(events.at(-1)).toMatchObject({ type: 'result', result: { outcome: 'failed', error: { code: 'stopped' } } });
    expect(events.filter((event) => event.type === 'result')).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('never');
    expect(supervisor.live).toBe(0);
  });

  it('ends the attempt as fatal when the agent command does not exist, and says how to install it', async () => {
    const { result } = await attempt(phaseOf({}), { profiles: [{ name: 'claude', command: join(root, 'missing-claude') }] });
    expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'agent_not_found' } });
    const message = result.outcome === 'fatal' ? result.error.message : '';
    expect(message).toContain('missing-claude is not on PATH');
    expect(message).toContain('npm install -g @anthropic-ai/claude-code');
  });
});

describe('createProcessRunner validation with real processes', () => {
  it('runs a .mjs script with node in the project root and reads its quality', async () => {
    const { result, output } = await attempt(phaseOf({ validationScript: 'validation/pass.mjs' }));
    expect(result).toMatchObject({ outcome: 'succeeded', quality: 0.85, agent: { profile: 'claude', turns: 3 } });
    const validation = result.outcome === 'succeeded' ? result.validation : undefined;
    expect(validation).toMatchObject({ script: 'validation/pass.mjs', passed: true, exitCode: 0 });
    expect(validation?.outputTail).toContain(`validated phase 7 in ${root}`);
    expect(validation?.outputTail).toContain('a warning on stderr');
    expect(output).toContain('{"quality":85}');
  });

  it('runs a .sh script with sh and fails the attempt when it fails', async () => {
    const { result } = await attempt(phaseOf({ validationScript: 'validation/fail.sh' }));
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { name: 'ValidationError', code: 'validation_failed', message: expect.stringContaining('failed with exit code 3') },
      agent: { profile: 'claude', exitCode: 0 },
      validation: { script: 'validation/fail.sh', passed: false, exitCode: 3, outputTail: expect.stringContaining('missing file: src/feature.ts') },
    });
  });

  it('executes a script without a known extension directly', async () => {
    const { result } = await attempt(phaseOf({ run: 'true', validationScript: 'validation/check' }));
    expect(result).toMatchObject({ outcome: 'succeeded', validation: { passed: true, outputTail: 'direct check of phase 7\n' } });
  });

  it('keeps the checkpoint the validation script wrote during the attempt', async () => {
    const { result } = await attempt(phaseOf({ run: 'true', validationScript: 'validation/write-checkpoint.mjs' }));
    expect(result).toMatchObject({ outcome: 'succeeded', scriptCheckpoint: { phase_id: 7, results: { overall: 'PASS', checks: 4 } } });
    const again = await attempt(phaseOf({ run: 'true' }));
    expect(again.result).toEqual({ outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } });
  });
});

describe('createProcessRunner delegate with real processes', () => {
  it('delegates a task to claude and completes with its result', async () => {
    const handle = runnerWith().delegate({ phaseId: 2, task: 'mode:max_turns', agentType: 'claude', options: { maxTurns: 5 } });
    const outcome = await handle.outcome;
    expect(outcome).toMatchObject({ status: 'completed', value: { outcome: 'failed', error: { code: 'max_turns' }, agent: { turns: 5 } } });
    expect((await recorded()).env).toMatchObject({ HYPERVISOR_PHASE_ID: '2', HYPERVISOR_ATTEMPT: '1' });
  });
});
