export { createInProcessDelegationEngine } from './delegation/in-process-delegation-engine.js';
export type { InProcessDelegationEngine, InProcessDelegationOptions } from './delegation/in-process-delegation-engine.js';
export type { AgentDelegationEngine, DelegationHandle, DelegationOutcome, DelegationRequest } from './delegation/delegation-engine.js';
export { HYPERVISOR_V2_ERROR_CODES, HypervisorV2Error, isHypervisorV2Error } from './errors.js';
export type { HypervisorV2ErrorCode, HypervisorV2ErrorContext, ValidationIssue } from './errors.js';
export type { EventMesh, MeshHandler, MeshMessage, MeshSubscription, PublishOptions, SubscribeOptions } from './events/event-mesh.js';
export {
  FINISHED_STATUSES,
  RESUMED_REASON,
  eventErrorSchema,
  hypervisorEventSchema,
  parseHypervisorEvent,
  phaseResultSchema,
  runSummarySchema,
  toEventError,
} from './events/hypervisor-event.js';
export type { EventError, HypervisorEvent, HypervisorEventOf, HypervisorEventType, PhaseResult, RunSummary } from './events/hypervisor-event.js';
export { LINE_BREAK_MARK, ONE_LINE_MAX_CHARS, stripTerminalEscapes, toOneLine } from './events/one-line.js';
export type { OneLineOptions } from './events/one-line.js';
export { EVENT_PRIORITIES, priorityOf } from './events/priority.js';
export type { EventPriority } from './events/priority.js';
export { createEventMesh } from './events/rx-event-mesh.js';
export type { EventMeshOptions, UnreportedFailure } from './events/rx-event-mesh.js';
export { compileTopicPattern } from './events/topic-pattern.js';
export type { TopicMatcher } from './events/topic-pattern.js';
export { EXECUTION_MODES, executionModeSchema } from './execution-mode.js';
export type { ExecutionMode } from './execution-mode.js';
export { HOOK_TYPES, hookTypeSchema } from './hook-type.js';
export type { HookType } from './hook-type.js';
export { hypervisorStateSchema, parseHypervisorState } from './hypervisor-state.js';
export type { HypervisorState } from './hypervisor-state.js';
export type { MemoryLease, MemoryRequest, UnifiedMemoryManager } from './memory/memory-manager.js';
export { createTieredMemoryManager } from './memory/tiered-memory-manager.js';
export type { TieredMemoryManagerOptions } from './memory/tiered-memory-manager.js';
export { PHASE_STATUSES, isTerminalStatus, phaseStatusSchema, summarizeStatuses } from './phase-status.js';
export type { PhaseStatus } from './phase-status.js';
export { parsePluginConfig, pluginConfigSchema } from './plugin-config.js';
export type { PluginConfig, PluginConfigInput } from './plugin-config.js';
export { DEFAULT_PLUGIN_TIMEOUT_MS, createPluginHost } from './plugins/plugin-host.js';
export type { PluginHostOptions } from './plugins/plugin-host.js';
export type { HypervisorPlugin, PluginCallReport, PluginHost } from './plugins/plugin.js';
export { createRuleSkillRouter, skillRouterConfigSchema } from './routing/rule-skill-router.js';
export type { SkillRouterConfig, SkillRouterConfigInput } from './routing/rule-skill-router.js';
export type { GPUSkillRouter, SkillRoute, SkillTask } from './routing/skill-router.js';
