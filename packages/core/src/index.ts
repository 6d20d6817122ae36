export { hashPhaseSource } from './checkpoint/phase-hash.js';
export { decideResume } from './checkpoint/resume.js';
export type { ResumeDecision, ResumeReason } from './checkpoint/resume.js';
export { definePlan, phaseDefinitionSchema } from './plan/define-plan.js';
export type { PhaseDefinition } from './plan/define-plan.js';
export { loadPlan } from './plan/load-plan.js';
export type { LoadPlanOptions } from './plan/load-plan.js';
export type { CrossRef, Phase, PhaseEstimates, Plan } from './plan/plan.js';
export { PLAN_ERROR_CODES, PlanError, formatProblem, isPlanError } from './plan/plan-error.js';
export type { PlanErrorCode, PlanProblem } from './plan/plan-error.js';
export { analyzePlan } from './graph/analyze-plan.js';
export type { AnalyzePlanOptions, PlanAnalysis } from './graph/analyze-plan.js';
export { DEFAULT_EFFORT_MS, createHintEstimator } from './graph/estimator.js';
export type { Estimate, EstimateSource, Estimator, HintEstimatorOptions } from './graph/estimator.js';
export { topologicalOrder } from './graph/topology.js';
export type { GroupPolicy } from './schedule/dispatcher.js';
export { simulatePlan } from './schedule/simulate-plan.js';
export type { ScheduledPhase, SimulatePlanOptions, SimulatedSchedule } from './schedule/simulate-plan.js';
export { PLAN_WARNING_CODES, lintPlan } from './plan/lint-plan.js';
export type { PlanWarning, PlanWarningCode } from './plan/lint-plan.js';
export { formatDuration } from './render/format-duration.js';
export { renderAnalysisJson, renderAnalysisJsonText } from './render/render-json.js';
export type { PlanAnalysisJson } from './render/render-json.js';
export { renderAnalysisText } from './render/render-text.js';
export { renderDot } from './render/render-dot.js';
export { renderMermaid } from './render/render-mermaid.js';
export { CoreError, isCoreError } from './core-error.js';
export type { CoreErrorCode } from './core-error.js';
export { hypervisorConfigSchema, parseHypervisorConfig } from './schedule/config.js';
export type { HypervisorConfig, HypervisorConfigInput } from './schedule/config.js';
export { collectRunSummary, createRun } from './schedule/create-run.js';
export type {
  AgentProgress,
  AgentReport,
  ApprovalDecision,
  Approver,
  AttemptRequest,
  AttemptResult,
  CheckpointStore,
  PhaseRunner,
  PreviousBreaker,
  RunPorts,
  RunnerEvent,
  ValidationReport,
} from './schedule/ports.js';
export type { BreakerState } from './schedule/breaker.js';
export type { PhaseResumeDecision } from './schedule/resume-decisions.js';
export { buildRunReport } from './report/build-run-report.js';
export type { BuildRunReportInput } from './report/build-run-report.js';
export type {
  AttemptBar,
  AttemptOutcome,
  ReportBar,
  ReportEdge,
  ReportFinishedStatus,
  ReportLane,
  ReportMarker,
  ReportPath,
  ReportPhaseRow,
  ReportPhaseStatus,
  RunReport,
  RunReportHeader,
  RunReportOutcome,
  WaitBar,
  WaitKind,
} from './report/run-report.js';
