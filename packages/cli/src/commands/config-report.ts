import { formatDuration, parseHypervisorConfig } from '@kazuba/core';
import { describeChoiceSource, describeRule, resolveProfiles } from '@kazuba/core/node';
import type { AgentProfile, LoadedProjectConfig, RoutingRule } from '@kazuba/core/node';
import { RUN_DEFAULTS } from '../run/run-defaults.js';
import type { ResolvedRunOptions } from '../run/run-options.js';
import { formatTable } from './text-table.js';

/** One setting as `hypervisor config` shows it: its value and where it came from. */
export interface SettingReport {
  readonly value: string | number | boolean;
  /** `--flag`, `<config file>:<line>`, or `default`. */
  readonly from: string;
}

/** A routing rule as `hypervisor config` shows it. */
export interface RoutingRuleReport extends RoutingRule {
  /** `routing[0] effort L`: how `hypervisor plan` names the rule. */
  readonly rule: string;
  /** `<config file>:<line>`. */
  readonly from: string;
}

/**
 * `hypervisor config --json`: the settings a run would use, each with its source, the agent profiles and the
 * routing rules.
 */
export interface ConfigReport {
  /** The config file as the user would name it; null when there is none. */
  readonly configFile: string | null;
  readonly run: Readonly<Record<string, SettingReport>>;
  /** The resolved profiles, the default agent's first; `from` says what changed a built-in or made a new one. */
  readonly agents: readonly (Omit<AgentProfile, 'outputRules'> & { readonly outputRules: number; readonly from: string })[];
  /** The config file's routing rules, in the order they are tried. */
  readonly routing: readonly RoutingRuleReport[];
}

const FLAG_OF: Readonly<Record<string, string>> = {
  mode: '--mode',
  workers: '--workers',
  agent: '--agent',
  timeout: '--timeout',
  retries: '--retries',
  keepGoing: '--keep-going',
  report: '--report',
  checkpointFormat: '--checkpoint-format',
  groupPolicy: '--group-policy',
  maxTurns: '--max-turns',
  maxCost: '--max-cost',
  isolation: '--isolation',
};

const BUILTIN_NAMES: ReadonlySet<string> = new Set(['claude', 'codex', 'gemini', 'shell']);

/** The value each run-wide setting takes, the engine's defaults filled in for those the CLI leaves to it. */
function runValues(options: ResolvedRunOptions): Record<string, string | number | boolean> {
  const engine = parseHypervisorConfig({});
  return {
    mode: options.mode,
    workers: options.workers,
    timeout: formatDuration(options.timeoutMs),
    retries: options.retries,
    keepGoing: options.keepGoing,
    groupPolicy: options.groupPolicy,
    checkpointFormat: options.checkpointFormat,
    stallWindow: formatDuration(options.stallWindowMs ?? engine.stallWindowMs),
    'breaker.threshold': options.breaker?.threshold ?? engine.breaker.threshold,
    'breaker.cooldown': formatDuration(options.breaker?.cooldownMs ?? engine.breaker.cooldownMs),
    agent: options.agent,
    maxTurns: options.maxTurns ?? "each profile's",
    deniedEdits: options.deniedEdits,
    maxCost: options.maxCostUsd ?? 'none',
    retryFreshSession: options.retryFreshSession,
    isolation: options.isolation,
    report: options.report,
    'events.keepRuns': options.eventsKeepRuns ?? RUN_DEFAULTS.eventsKeepRuns,
  };
}

function sourceOf(key: string, options: ResolvedRunOptions, loaded: LoadedProjectConfig | undefined): string {
  const source = options.sources[key] ?? 'default';
  if (source === 'flag') return FLAG_OF[key] ?? key;
  if (source === 'default' || loaded === undefined) return 'default';
  const line = loaded.lineOf(['run', ...key.split('.')]);
  return line === undefined ? loaded.displayName : `${loaded.displayName}:${line}`;
}

function profileSource(profile: AgentProfile, loaded: LoadedProjectConfig | undefined, flagged: boolean): string {
  const inConfig = loaded?.config.agents.some((entry) => entry.name === profile.name) === true;
  const line = inConfig ? loaded?.lineOf(['agents', profile.name]) : undefined;
  const parts = [
    BUILTIN_NAMES.has(profile.name) ? 'built-in' : '',
    inConfig && loaded !== undefined ? `${loaded.displayName}${line === undefined ? '' : `:${line}`}` : '',
    flagged ? 'flags' : '',
  ].filter((part) => part !== '');
  return parts.join(' + ');
}

function routingReport(loaded: LoadedProjectConfig | undefined): RoutingRuleReport[] {
  if (loaded === undefined) return [];
  return loaded.config.routing.map((rule, index) => {
    const line = loaded.lineOf(['routing', index]);
    const from = line === undefined ? loaded.displayName : `${loaded.displayName}:${line}`;
    return { ...rule, rule: describeChoiceSource({ kind: 'rule', index, description: describeRule(rule) }), from };
  });
}

/**
 * What a run would use and why: each run-wide setting with its source (flag > config file > default), every
 * agent profile resolved (built-ins, the config's, the agent flags on the default agent), and the routing rules.
 * @throws CoreError `invalid_config` for a profile the agent flags make invalid.
 */
export function buildConfigReport(options: ResolvedRunOptions, loaded: LoadedProjectConfig | undefined): ConfigReport {
  const values = runValues(options);
  const run = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, from: sourceOf(key, options, loaded) }]));
  const profiles = [...resolveProfiles(options.profiles).values()];
  const configured = new Set((loaded?.config.agents ?? []).map((entry) => JSON.stringify(entry)));
  const flagged = (name: string): boolean => options.profiles.some((entry) => entry.name === name && !configured.has(JSON.stringify(entry)));
  const ordered = [...profiles.filter((profile) => profile.name === options.agent), ...profiles.filter((profile) => profile.name !== options.agent)];
  const agents = ordered.map((profile) => ({ ...profile, outputRules: profile.outputRules.length, from: profileSource(profile, loaded, flagged(profile.name)) }));
  return { configFile: loaded?.displayName ?? null, run, agents, routing: routingReport(loaded) };
}

// How a command profile hands over the prompt and reads the answer; the agent CLIs' profiles have these built in.
const TEMPLATE_SETTINGS: ReadonlySet<string> = new Set(['args', 'stdinArgs', 'promptVia', 'result']);

function settingsLine(profile: ConfigReport['agents'][number]): string {
  const { name: _name, from: _from, kind, ...settings } = profile;
  return Object.entries(settings)
    .filter(([key]) => kind === 'command' || !TEMPLATE_SETTINGS.has(key))
    .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0) && value !== 0)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join('  ');
}

function ruleTarget(rule: RoutingRuleReport): string {
  return [rule.agent === undefined ? '' : `agent ${rule.agent}`, rule.model === undefined ? '' : `model ${rule.model}`].filter((part) => part !== '').join(', ');
}

/** `hypervisor config` as text: the settings table, one block per agent profile, then the routing rules. */
export function renderConfigReport(report: ConfigReport): string {
  const header = report.configFile === null ? 'No config file (hypervisor.config.yaml): flags and defaults only.' : `Config file: ${report.configFile}`;
  const rows = Object.entries(report.run).map(([key, setting]) => [key, String(setting.value), setting.from]);
  const agents = report.agents.flatMap((profile, index) => [
    `  ${profile.name}${index === 0 ? ' (default agent)' : ''}: ${profile.kind}, from ${profile.from}`,
    `    ${settingsLine(profile)}`,
  ]);
  const routing =
    report.routing.length === 0
      ? []
      : ['', "Routing (first match wins; a phase's own agent and model win over it):", ...report.routing.map((rule) => `  ${rule.rule} -> ${ruleTarget(rule)}, from ${rule.from}`)];
  return [
    header,
    '',
    'Run settings (flag > config file > default):',
    ...formatTable([['setting', 'value', 'from'], ...rows], '  '),
    '',
    'Agents:',
    ...agents,
    ...routing,
    '',
  ].join('\n');
}
