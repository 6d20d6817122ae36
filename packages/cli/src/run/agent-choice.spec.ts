import { describe, expect, it } from '@jest/globals';
import { definePlan } from '@kazuba/core';
import { isCliError } from './cli-error.js';
import { checkAgents, chooseAgents } from './agent-choice.js';
import { parseRunOptions } from './run-options.js';
import type { RawRunOptions } from './run-options.js';

const options = (raw: RawRunOptions) => parseRunOptions('plan', raw, '/repo', { run: {}, agents: [{ name: 'opus', extends: 'claude', model: 'opus' }], routing: [] });

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isCliError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('chooseAgents', () => {
  it('resolves the default agent among the built-in and configured profiles, with the run-wide turn limit', () => {
    const choice = chooseAgents(options({ agent: 'opus', maxTurns: '12' }));
    expect(choice.defaultProfile).toMatchObject({ name: 'opus', kind: 'claude', model: 'opus' });
    expect(choice.maxTurns).toBe(12);
    expect([...choice.profiles.keys()]).toEqual(['claude', 'codex', 'gemini', 'shell', 'opus']);
  });

  it('names the agent flag whose value the profile refuses', () => {
    expect(refusal(() => chooseAgents(options({ permissionMode: 'yolo' })))).toEqual({
      code: 'invalid_option',
      message: '--permission-mode: "yolo" is not a claude permission mode (one of: acceptEdits, default, plan, dontAsk, auto, bypassPermissions)',
    });
    expect(refusal(() => chooseAgents(options({ agent: 'codex', allowedTools: 'Edit' })))).toMatchObject({
      message: expect.stringMatching(/^--allowed-tools: a codex profile has no such setting/),
    });
  });

  it("takes the config file's routing rules, and none when it has none", () => {
    const routing = [{ when: { tags: ['db'] }, agent: 'opus' }];
    const routed = parseRunOptions('plan', {}, '/repo', { run: {}, agents: [{ name: 'opus', extends: 'claude', model: 'opus' }], routing });
    expect(chooseAgents(routed).routing).toEqual(routing);
    expect('routing' in chooseAgents(options({}))).toBe(false);
  });

  it('refuses an unknown --agent, listing the known ones', () => {
    expect(refusal(() => chooseAgents(options({ agent: 'cursor' })))).toEqual({
      code: 'invalid_option',
      message: '--agent: unknown agent profile "cursor" (known: claude, codex, gemini, shell, opus)',
    });
  });
});

describe('checkAgents', () => {
  const plan = definePlan([
    { id: 1, prompt: 'a', maxTurns: 5 },
    { id: 2, prompt: 'b', model: 'gpt-5' },
    { id: 3, prompt: 'c', agent: 'nobody' },
    { id: 4, prompt: 'd', allowedTools: ['Edit'] },
  ]);

  it('returns the warnings and refuses a plan whose phases cannot run, naming the first and counting the rest', () => {
    expect(refusal(() => checkAgents(plan, chooseAgents(options({ agent: 'codex' }))))).toEqual({
      code: 'invalid_plan',
      message: 'phase 3: unknown agent "nobody" (known: claude, codex, gemini, shell, opus) (and 1 more)',
    });
    const runnable = definePlan([{ id: 1, prompt: 'a', maxTurns: 5 }, { id: 2, prompt: 'b', model: 'gpt-5' }]);
    expect(checkAgents(runnable, chooseAgents(options({ agent: 'codex' })))).toEqual(['phase 1: max_turns not used: agent codex has no turn limit']);
    expect(checkAgents(runnable, chooseAgents(options({})))).toEqual([]);
  });

  it("refuses a plan whose phases a routing rule sends to an agent that cannot take their settings", () => {
    const routing = [{ when: { effort: ['L' as const] }, agent: 'codex' }];
    const choice = chooseAgents(parseRunOptions('plan', {}, '/repo', { run: {}, agents: [], routing }));
    const plan = definePlan([{ id: 1, prompt: 'a', estimates: { effort: 'L' }, allowedTools: ['Edit'] }, { id: 2, prompt: 'b', allowedTools: ['Edit'] }]);
    expect(refusal(() => checkAgents(plan, choice))).toEqual({
      code: 'invalid_plan',
      message: 'phase 1: allowed_tools: agent codex (a codex profile) has no tool list; set its permissionMode instead',
    });
  });
});
