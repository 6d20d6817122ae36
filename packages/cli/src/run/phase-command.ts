import type { Phase } from '@kazuba/core';
import type { AgentProfile } from '@kazuba/core/node';
import { buildProcessSpec } from '@kazuba/core/node';

function showArgument(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/**
 * The command a phase runs, in one line for people: its `run:` line, or the agent's command with the prompt
 * shown by its size (it is the phase's whole markdown body).
 * @example
 * describePhaseCommand(phase, claude, '/repo'); // 'claude -p <prompt: 812 chars> --output-format json --max-turns 50'
 */
export function describePhaseCommand(phase: Phase, agent: AgentProfile, root: string): string {
  if (phase.run !== undefined) return phase.run;
  const prompt = phase.prompt;
  const spec = buildProcessSpec(agent, { prompt, root, env: {}, ...(phase.maxTurns === undefined ? {} : { maxTurns: phase.maxTurns }) });
  const shownPrompt = `<prompt: ${prompt.length} chars>`;
  const args = spec.args.map((arg) => (arg === prompt ? shownPrompt : showArgument(arg)));
  return [spec.command, ...args, ...(spec.stdin === undefined ? [] : [`< ${shownPrompt}`])].join(' ');
}
