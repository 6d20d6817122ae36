export { createHypervisorBridge } from './bridge/hypervisor-bridge.js';
export type { BridgeRlmOptions, HypervisorBridge, HypervisorBridgeOptions } from './bridge/hypervisor-bridge.js';
export { compactLearningEvents } from './compact/compact-learning-events.js';
export { compactLearningEventsFile } from './compact/compact-learning-events-file.js';
export type { CompactLearningEventsFileOptions, CompactedFile } from './compact/compact-learning-events-file.js';
export type { CompactionOptions } from './compact/compaction-plan.js';
export { BRIDGE_ERROR_CODES, BridgeError, isBridgeError } from './errors.js';
export type { BridgeErrorCode, BridgeErrorContext, EventIssue } from './errors.js';
export { createDurationHistory, loadDurationHistory } from './history/duration-history.js';
export type {
  DurationHistory,
  DurationHistoryOptions,
  DurationSample,
  HashMatch,
  LoadDurationHistoryOptions,
} from './history/duration-history.js';
export type { EstimablePhase, PhaseEstimate, PhaseEstimator } from './history/phase-estimator.js';
export { readLearningEvents, writeLearningEventsJsonl } from './io/learning-event-files.js';
export type { ExportedEvents, ReadLearningEventsOptions, WriteLearningEventsOptions } from './io/learning-event-files.js';
export { LEARNING_EVENT_METADATA_COLUMNS, toLearningEventRows, writeLearningEventsToon } from './io/learning-event-table.js';
export type { ExportedTable, LearningEventRow } from './io/learning-event-table.js';
export type { JsonValue } from './json-value.js';
export { formatLearningEventsJsonl, parseLearningEventsJsonl } from './jsonl.js';
export {
  LEARNING_EVENT_TYPES,
  learningEventMetadataSchema,
  learningEventSchema,
  learningEventTypeSchema,
} from './learning-event.js';
export type { LearningEvent, LearningEventMetadata, LearningEventType } from './learning-event.js';
export { RLM_ACTIONS, learningRecordSchema, rlmActionSchema, rlmStateSchema } from './rlm/learning-record.js';
export type { LearningRecord, RlmAction, RlmState } from './rlm/learning-record.js';
export { DEFAULT_REWARD_WEIGHTS, createRewardCalculator } from './rlm/reward-calculator.js';
export type {
  Reward,
  RewardCalculator,
  RewardCalculatorOptions,
  RewardComponents,
  RewardInput,
  RewardWeights,
} from './rlm/reward-calculator.js';
export { createJsonlRlmSink } from './rlm/rlm-sink.js';
export type { RlmSink } from './rlm/rlm-sink.js';
export { summarizeLearningEvents } from './stats/summarize-learning-events.js';
export type { DurationSummary, LearningEventStats, ModelStats } from './stats/summarize-learning-events.js';
