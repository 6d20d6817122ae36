import { Option } from 'commander';
import type { Command } from 'commander';
import type { GroupPolicy, Plan, PlanAnalysisJson, PlanWarning } from '@kazuba/core';
import type { CliIo } from '../cli-io.js';
import { RUN_DEFAULTS } from '../run/run-defaults.js';
import { parsePositiveInt, resolveFromCwd } from './command-input.js';

const FORMATS = ['text', 'json', 'mermaid', 'dot'] as const;
const GROUP_POLICIES = ['strict', 'ignore'] as const;

/** The options of `hypervisor plan`, as commander parses them. */
interface PlanCommandOptions {
  readonly format: (typeof FORMATS)[number];
  readonly workers: number;
  readonly groupPolicy: GroupPolicy;
}

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

function phaseJson(plan: Plan): PlanPhaseJson[] {
  return plan.phases.map((phase) => ({
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

async function showPlan(io: CliIo, dir: string, options: PlanCommandOptions): Promise<void> {
  const core = await import('@kazuba/core');
  const plan = await core.loadPlan(resolveFromCwd(io, dir));
  const warnings = core.lintPlan(plan);
  const analysis = core.analyzePlan(plan, { workers: options.workers, groupPolicy: options.groupPolicy });
  if (options.format === 'json') {
    const report: PlanReportJson = { ...core.renderAnalysisJson(analysis), phases: phaseJson(plan), warnings: warnings.map(warningJson) };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  // Warnings are for the reader, not part of the diagram or report: they go to stderr.
  for (const warning of warnings) io.stderr.write(`warning: ${warning.message}\n`);
  const render = {
    text: () => core.renderAnalysisText(analysis, plan),
    mermaid: () => core.renderMermaid(plan, analysis),
    dot: () => core.renderDot(plan, analysis),
  }[options.format];
  io.stdout.write(render());
}

/**
 * `hypervisor plan <plan-dir>`: loads and lints a plan and shows what running it will look like (order,
 * levels, estimates, critical path, makespan), as text, JSON, Mermaid or Graphviz DOT.
 */
export function registerPlanCommand(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('check a plan and show its order, critical path and estimated makespan')
    .argument('<plan-dir>', 'the plan folder: markdown phase files with YAML front matter')
    .addOption(new Option('--format <format>', 'what to print on stdout').choices(FORMATS).default('text'))
    .addOption(new Option('-j, --workers <n>', 'workers assumed for the makespan estimate').argParser(parsePositiveInt).default(RUN_DEFAULTS.workers))
    .addOption(
      new Option('--group-policy <policy>', 'how parallel_group limits concurrency in the estimate').choices(GROUP_POLICIES).default('strict'),
    )
    .addHelpText(
      'after',
      '\nLint warnings go to stderr (in JSON they are the "warnings" field). A plan that cannot be loaded exits 2.',
    )
    .action((dir: string, options: PlanCommandOptions) => showPlan(io, dir, options));
}
