import type { AgentProfileInput } from '@kazuba/core/node';

/** The flags that change the default agent's profile for one run. */
export interface AgentFlags {
  readonly model?: string | undefined;
  readonly permissionMode?: string | undefined;
  readonly allowedTools?: readonly string[] | undefined;
  readonly disallowedTools?: readonly string[] | undefined;
}

/**
 * Splits `--allowed-tools Edit,Write,Bash(git log:*)` into tool names: at commas outside parentheses, so that a
 * rule such as `Bash(npm run test:*)` stays whole; blanks dropped.
 */
export function parseToolList(text: string): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === ',' && depth === 0) {
      tools.push(current);
      current = '';
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    current += char;
  }
  tools.push(current);
  return tools.map((tool) => tool.trim()).filter((tool) => tool !== '');
}

/**
 * The config file's profiles with the agent flags applied to the default agent's: they override the settings of
 * its entry, or make a new entry (an override of a built-in profile) when the config has none. Invalid values are
 * left for the profile check to report.
 */
export function mergeAgentFlags(profiles: readonly AgentProfileInput[], agent: string, flags: AgentFlags): AgentProfileInput[] {
  const settings = {
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.permissionMode === undefined ? {} : { permissionMode: flags.permissionMode }),
    ...(flags.allowedTools === undefined ? {} : { allowedTools: [...flags.allowedTools] }),
    ...(flags.disallowedTools === undefined ? {} : { disallowedTools: [...flags.disallowedTools] }),
  };
  if (Object.keys(settings).length === 0) return [...profiles];
  const index = profiles.findIndex((profile) => profile.name === agent);
  if (index === -1) return [...profiles, { name: agent, ...settings }];
  return profiles.map((profile, at) => (at === index ? { ...profile, ...settings } : profile));
}
