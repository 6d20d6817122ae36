import { describe, expect, it } from '@jest/globals';
import { definePlan } from '@kazuba/core';
import type { Phase } from '@kazuba/core';
import { parseRoutingRules, resolveProfiles } from '@kazuba/core/node';
import type { AgentChoice, AgentProfile } from '@kazuba/core/node';
import { describePhaseCommand } from './phase-command.js';

const profiles = resolveProfiles([
  { name: 'piped', command: 'agent', args: ['--task', '{prompt}'], promptVia: 'stdin', stdinArgs: ['--stdin', 'yes please'] },
  { name: 'opus', extends: 'claude', model: 'opus' },
]);
const choice = (name: string, maxTurns?: number): AgentChoice => ({
  profiles,
  defaultProfile: profiles.get(name) as AgentProfile,
  ...(maxTurns === undefined ? {} : { maxTurns }),
});
const plan = definePlan([
  { id: 1, run: 'npm test -- --ci' },
  { id: 2, prompt: 'Fix the build.', maxTurns: 7 },
  { id: 3, prompt: 'Write the docs.' },
  { id: 4, prompt: 'Review it.', agent: 'codex', model: 'gpt-5-codex' },
  { id: 5, prompt: 'Tidy up.', allowedTools: ['Bash(npm test:*)', 'Edit'] },
]);
const phase = (id: number): Phase => plan.byId.get(id) as Phase;

describe('describePhaseCommand', () => {
  it("shows a phase's run: line as written, run by the shell", () => {
    expect(describePhaseCommand(phase(1), choice('claude'), '/repo')).toEqual({
      agent: 'shell',
      model: '-',
      command: 'npm test -- --ci',
      chosenBy: { agent: { kind: 'phase' }, model: { kind: 'phase' } },
    });
  });

  it("shows the agent's command with the prompt by its size, the permission mode and the phase's turn limit", () => {
    expect(describePhaseCommand(phase(2), choice('claude'), '/repo')).toEqual({
      agent: 'claude',
      model: "claude's default",
      command: 'claude -p <prompt: 14 chars> --output-format stream-json --verbose --max-turns 7 --permission-mode acceptEdits',
      chosenBy: { agent: { kind: 'default' }, model: { kind: 'default' } },
    });
    expect(describePhaseCommand(phase(3), choice('claude', 20), '/repo').command).toBe(
      'claude -p <prompt: 15 chars> --output-format stream-json --verbose --max-turns 20 --permission-mode acceptEdits',
    );
  });

  it("takes the phase's own agent, model and tools over the default agent's", () => {
    expect(describePhaseCommand(phase(3), choice('opus'), '/repo')).toMatchObject({ agent: 'opus', model: 'opus' });
    expect(describePhaseCommand(phase(4), choice('opus'), '/repo')).toEqual({
      agent: 'codex',
      model: 'gpt-5-codex',
      command: 'codex exec --json -s workspace-write -m gpt-5-codex <prompt: 10 chars>',
      chosenBy: { agent: { kind: 'phase' }, model: { kind: 'phase' } },
    });
    expect(describePhaseCommand(phase(5), choice('claude'), '/repo').command).toMatch(/--allowedTools "Bash\(npm test:\*\)" Edit$/);
  });

  it('takes the agent and model of the first matching routing rule, and says which rule chose them', () => {
    const routing = parseRoutingRules([{ when: { title: 'docs' }, agent: 'codex', model: 'o3' }, { model: 'haiku' }], profiles);
    const described = describePhaseCommand(definePlan([{ id: 3, name: 'Docs', prompt: 'Write.' }]).phases[0] as Phase, { ...choice('claude'), routing }, '/repo');
    expect(described).toMatchObject({ agent: 'codex', model: 'o3', chosenBy: { agent: { kind: 'rule', index: 0, description: 'title /docs/' } } });
    expect(described.command).toContain('-m o3');
    expect(describePhaseCommand(phase(2), { ...choice('claude'), routing }, '/repo')).toMatchObject({ agent: 'claude', model: 'haiku' });
  });

  it('says when the prompt goes on stdin, and quotes arguments a shell would split', () => {
    expect(describePhaseCommand(phase(3), choice('piped'), '/repo').command).toBe('agent --stdin "yes please" < <prompt: 15 chars>');
  });
});
