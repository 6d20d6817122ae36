import { describe, expect, it } from '@jest/globals';
import { definePlan } from '@kazuba/core';
import type { ApprovalDecision, Phase } from '@kazuba/core';
import { countsOf } from './__fixtures__/events.js';
import { APPROVAL_CHOICES, createTerminalApprover } from './terminal-approver.js';
import type { SelectPrompt } from './terminal-approver.js';

const plan = definePlan([{ id: 1, name: 'Setup' }, { id: 2, name: 'Build', dependsOn: [1], run: 'npm run build' }, { id: 3, name: 'Ship', dependsOn: [1, 2] }]);
const phase = (id: number): Phase => plan.byId.get(id) as Phase;
const state = { currentPhase: null, mode: 'interactive' as const, activeWorkers: 0, memoryInUseMb: 0, countsByStatus: countsOf() };
const output = process.stderr;

function approverWith(select: SelectPrompt, log: string[] = [], signal?: AbortSignal): ReturnType<typeof createTerminalApprover> {
  return createTerminalApprover({
    select,
    output,
    titleOf: (id) => plan.byId.get(id)?.title ?? `phase ${id}`,
    commandOf: (p) => p.run ?? 'claude -p <prompt>',
    display: { pause: () => log.push('pause'), resume: () => log.push('resume') },
    ...(signal === undefined ? {} : { signal }),
  });
}

// The terminal approver answers with a promise (an Approver may answer with any ObservableInput).
const decide = (approver: ReturnType<typeof createTerminalApprover>, id: number): Promise<ApprovalDecision> => approver.decide({ phase: phase(id), state }) as Promise<ApprovalDecision>;

describe('createTerminalApprover', () => {
  it('shows the title, the dependencies by name and the command, and offers run, skip, abort and run all', async () => {
    const asked: Parameters<SelectPrompt>[] = [];
    const log: string[] = [];
    const approver = approverWith(async (...args) => {
      asked.push(args);
      log.push('ask');
      return 'run_all';
    }, log);
    expect(await decide(approver, 3)).toBe('run_all');
    const [config, context] = asked[0] ?? [];
    expect(config?.message).toBe(['Phase 3: Ship', '  depends on: 1 (Setup), 2 (Build)', '  command:    claude -p <prompt>', 'What now?'].join('\n'));
    expect(config?.choices.map((choice) => [choice.value, choice.name])).toEqual([
      ['run', 'run'],
      ['skip', 'skip'],
      ['abort', 'abort'],
      ['run_all', 'run all the rest'],
    ]);
    expect(context).toEqual({ output });
    expect(log).toEqual(['pause', 'ask', 'resume']);
    expect(APPROVAL_CHOICES.every((choice) => choice.description.length > 0)).toBe(true);
  });

  it("says when a phase has no dependencies, and shows its run: line", async () => {
    let message = '';
    const approver = approverWith(async (config) => {
      message = config.message;
      return 'skip';
    });
    expect(await decide(approver, 1)).toBe('skip');
    expect(message).toContain('depends on: none');
    await decide(approver, 2);
    expect(message).toContain('command:    npm run build');
  });

  it('hands the run signal to the prompt, so that cancelling the run closes it', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const approver = approverWith(async (_config, context) => {
      seen = context.signal;
      return 'run';
    }, [], controller.signal);
    await decide(approver, 1);
    expect(seen).toBe(controller.signal);
  });

  it.each(['ExitPromptError', 'AbortPromptError'])('answers abort when the prompt ends with %s (Ctrl-C, or the run stopping)', async (name) => {
    const log: string[] = [];
    const approver = approverWith(async () => {
      throw Object.assign(new Error('User force closed the prompt'), { name });
    }, log);
    expect(await decide(approver, 1)).toBe('abort');
    expect(log).toEqual(['pause', 'resume']);
  });

  it('lets any other failure of the prompt through, and still resumes the display', async () => {
    const log: string[] = [];
    const approver = approverWith(async () => {
      throw new TypeError('stdin is closed');
    }, log);
    await expect(decide(approver, 1)).rejects.toThrow('stdin is closed');
    await expect(decide(approverWith(() => Promise.reject('odd')), 1)).rejects.toBe('odd');
    expect(log).toEqual(['pause', 'resume']);
  });
});
