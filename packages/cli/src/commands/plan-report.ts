// The work of `hypervisor plan`, loaded by the command when it runs. Named imports only, so that a bundler keeps
// just the analysis, the renderers and the plan loader of @kazuba/core, not its scheduler or process code.
import { analyzePlan, lintPlan, renderAnalysisJson, renderAnalysisText, renderDot, renderMermaid } from '@kazuba/core';
import type { Phase, Plan, PlanAnalysisJson, PlanWarning } from '@kazuba/core';
import { describePhaseAgentSources } from '@kazuba/core/node';
import type { PhaseAgentSources } from '@kazuba/core/node';
import type { CliIo } from '../cli-io.js';
import { checkAgents, chooseAgents } from '../run/agent-choice.js';
import { readConfigFile } from '../run/config-file.js';
import { describePhaseCommand } from '../run/phase-command.js';
import type { PhaseCommand } from '../run/phase-command.js';
import { parseRunOptions } from '../run/run-options.js';
import type { RawRunOptions } from '../run/run-options.js';
import { readPlanArg } from './plan-arg.js';
import type { PlanFormat } from './plan.js';
import { formatTable } from './text-table.js';

/** The options of `hypervisor plan`, as commander parses them. */
export type PlanCommandOptions = RawRunOptions & { readonly format: PlanFormat };

/** One phase in `plan --format json`: what a tool needs to draw or check the plan without reading its files. */
export interface PlanPhaseJson {
  readonly id: number;
  readonly title: string;
  /** The phase file, relative to the plan folder. */
  readonly file: string | null;
  readonly dependsOn: number[];
  readonly parallelGroup: string | null;
  readonly validationScript: string | null;
  readonly checkpoint: string;
  /** The phase's own command line, for plans that need no agent. */
  readonly run: string | null;
  /** The agent profile that runs it (`shell` for a `run:` line). */
  readonly agent: string;
  /** The model asked for, or a note that the agent's default applies. */
  readonly model: string;
  /** The exact command line, the prompt shown by its size. */
  readonly command: string;
  /** What chose the agent and the model: `{ kind: 'phase' }`, `{ kind: 'default' }`, or the routing rule's index and conditions. */
  readonly chosenBy: PhaseAgentSources;
}

/** `hypervisor plan --format json`: the analysis of `@kazuba/core`, the phases, and the lint warnings. */
export interface PlanReportJson extends PlanAnalysisJson {
  readonly phases: PlanPhaseJson[];
  readonly warnings: { readonly code: string; readonly phaseId: number; readonly file: string | null; readonly message: string }[];
}

// JSON has no `undefined`: a field the plan leaves out is `null`, so every object has every key.
function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

function phaseJson(plan: Plan, commandOf: (phase: Phase) => PhaseCommand): PlanPhaseJson[] {
  return plan.phases.map((phase) => ({
    ...commandOf(phase),
    id: phase.id,
    title: phase.title,
    file: orNull(phase.file),
    dependsOn: [...phase.dependsOn],
    parallelGroup: phase.parallelGroup,
    validationScript: orNull(phase.validationScript),
    checkpoint: phase.checkpoint,
    run: orNull(phase.run),
  }));
}

function warningJson(warning: PlanWarning): PlanReportJson['warnings'][number] {
  return { code: warning.code, phaseId: warning.phaseId, file: orNull(warning.file), message: warning.message };
}

/** Agents: a row per phase with its agent, model, what chose them (`phase`, `routing[0] effort L`, `default`) and command. */
function renderAgents(plan: Plan, commandOf: (phase: Phase) => PhaseCommand, describeSources: (sources: PhaseAgentSources) => string): string {
  const rows = plan.phases.map((phase) => {
    const { agent, model, command, chosenBy } = commandOf(phase);
    return [String(phase.id), agent, model, describeSources(chosenBy), command];
  });
  return ['Agents:', ...formatTable([['id', 'agent', 'model', 'rule', 'command'], ...rows], '  '), ''].join('\n');
}

/**
 * What `hypervisor plan` prints: the plan's analysis (order, levels, critical path, makespan) and each phase's
 * agent and command, as text, JSON, Mermaid or DOT on stdout; lint warnings on stderr (in JSON, a field).
 * @throws CliError `invalid_plan` for a plan that cannot be loaded, `invalid_option` for bad settings
 */
export async function showPlan(io: CliIo, dir: string, raw: PlanCommandOptions): Promise<void> {
  const { format, ...flags } = raw;
  const cwd = io.cwd ?? process.cwd();
  const loaded = await readConfigFile(flags, cwd);
  const options = parseRunOptions(dir, flags, cwd, loaded?.config);
  const agents = chooseAgents(options);
  const plan = await readPlanArg(io, dir);
  const agentNotes = checkAgents(plan, agents);
  const commandOf = (phase: Phase): PhaseCommand => describePhaseCommand(phase, agents, options.root);
  const warnings = lintPlan(plan);
  const analysis = analyzePlan(plan, { workers: options.workers, groupPolicy: options.groupPolicy });
  if (format === 'json') {
    const report: PlanReportJson = { ...renderAnalysisJson(analysis), phases: phaseJson(plan, commandOf), warnings: warnings.map(warningJson) };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  // Warnings are for the reader, not part of the diagram or report: they go to stderr.
  for (const warning of warnings) io.stderr.write(`warning: ${warning.message}\n`);
  for (const note of agentNotes) io.stderr.write(`warning: ${note}\n`);
  const render = {
    text: () => `${renderAnalysisText(analysis, plan)}\n${renderAgents(plan, commandOf, describePhaseAgentSources)}`,
    mermaid: () => renderMermaid(plan, analysis),
    dot: () => renderDot(plan, analysis),
  }[format];
  io.stdout.write(render());
}
