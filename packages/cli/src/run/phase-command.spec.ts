import { describe, expect, it } from '@jest/globals';
import { definePlan } from '@kazuba/core';
import type { Phase } from '@kazuba/core';
import { resolveProfiles } from '@kazuba/core/node';
import type { AgentProfile } from '@kazuba/core/node';
import { describePhaseCommand } from './phase-command.js';

const profiles = resolveProfiles([{ name: 'piped', command: 'agent', args: ['--task', '{prompt}'], promptVia: 'stdin', stdinArgs: ['--stdin', 'yes please'] }]);
const profile = (name: string): AgentProfile => profiles.get(name) as AgentProfile;
const plan = definePlan([
  { id: 1, run: 'npm test -- --ci' },
  { id: 2, prompt: 'Fix the build.', maxTurns: 7 },
  { id: 3, prompt: 'Write the docs.' },
]);
const phase = (id: number): Phase => plan.byId.get(id) as Phase;

describe('describePhaseCommand', () => {
  it("shows a phase's run: line as written", () => {
    expect(describePhaseCommand(phase(1), profile('claude'), '/repo')).toBe('npm test -- --ci');
  });

  it("shows the agent's command with the prompt by its size and the phase's turn limit", () => {
    expect(describePhaseCommand(phase(2), profile('claude'), '/repo')).toBe('claude -p <prompt: 14 chars> --output-format json --max-turns 7');
    expect(describePhaseCommand(phase(3), profile('claude'), '/repo')).toBe('claude -p <prompt: 15 chars> --output-format json --max-turns 50');
  });

  it('says when the prompt goes on stdin, and quotes arguments a shell would split', () => {
    expect(describePhaseCommand(phase(3), profile('piped'), '/repo')).toBe('agent --stdin "yes please" < <prompt: 15 chars>');
  });
});
