import { describe, expect, it } from '@jest/globals';
import * as hypervisorV2 from './index.js';
import * as testing from './testing/index.js';

describe('@kazuba/hypervisor-v2 entry points', () => {
  it('exposes exactly the documented runtime names, and no test double', () => {
    expect(Object.keys(hypervisorV2).sort()).toEqual([
      'DEFAULT_PLUGIN_TIMEOUT_MS',
      'EVENT_PRIORITIES',
      'EXECUTION_MODES',
      'FINISHED_STATUSES',
      'HOOK_TYPES',
      'HYPERVISOR_V2_ERROR_CODES',
      'HypervisorV2Error',
      'LINE_BREAK_MARK',
      'ONE_LINE_MAX_CHARS',
      'PHASE_STATUSES',
      'RESUMED_REASON',
      'compileTopicPattern',
      'createEventMesh',
      'createInProcessDelegationEngine',
      'createPluginHost',
      'createRuleSkillRouter',
      'createTieredMemoryManager',
      'eventErrorSchema',
      'executionModeSchema',
      'hookTypeSchema',
      'hypervisorEventSchema',
      'hypervisorStateSchema',
      'isHypervisorV2Error',
      'isTerminalStatus',
      'parseHypervisorEvent',
      'parseHypervisorState',
      'parsePluginConfig',
      'phaseResultSchema',
      'phaseStatusSchema',
      'pluginConfigSchema',
      'priorityOf',
      'runSummarySchema',
      'skillRouterConfigSchema',
      'stripTerminalEscapes',
      'summarizeStatuses',
      'toEventError',
      'toOneLine',
    ]);
  });

  it('keeps the test doubles under /testing', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'createFakeDelegationEngine',
      'createFakeMemoryManager',
      'createRecordingEventMesh',
      'createRecordingPlugin',
      'createStaticSkillRouter',
    ]);
  });
});
