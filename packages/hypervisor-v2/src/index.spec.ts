import { describe, expect, it } from '@jest/globals';
import * as hypervisorV2 from './index.js';

describe('@kazuba/hypervisor-v2 entry point', () => {
  it('exposes exactly the documented runtime names', () => {
    expect(Object.keys(hypervisorV2).sort()).toEqual([
      'EXECUTION_MODES',
      'HOOK_TYPES',
      'HYPERVISOR_V2_ERROR_CODES',
      'HypervisorV2Error',
      'PHASE_STATUSES',
      'executionModeSchema',
      'hookTypeSchema',
      'hypervisorStateSchema',
      'isHypervisorV2Error',
      'isTerminalStatus',
      'parseHypervisorState',
      'parsePluginConfig',
      'phaseStatusSchema',
      'pluginConfigSchema',
      'summarizeStatuses',
    ]);
  });
});
