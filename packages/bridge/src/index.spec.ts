import { describe, expect, it } from '@jest/globals';
import * as bridge from './index.js';

describe('@kazuba/bridge entry point', () => {
  it('exposes exactly the documented runtime names', () => {
    expect(Object.keys(bridge).sort()).toEqual([
      'BRIDGE_ERROR_CODES',
      'BridgeError',
      'DEFAULT_REWARD_WEIGHTS',
      'LEARNING_EVENT_METADATA_COLUMNS',
      'LEARNING_EVENT_TYPES',
      'RLM_ACTIONS',
      'compactLearningEvents',
      'compactLearningEventsFile',
      'createDurationHistory',
      'createHypervisorBridge',
      'createJsonlRlmSink',
      'createRewardCalculator',
      'formatLearningEventsJsonl',
      'isBridgeError',
      'learningEventMetadataSchema',
      'learningEventSchema',
      'learningEventTypeSchema',
      'learningRecordSchema',
      'loadDurationHistory',
      'parseLearningEventsJsonl',
      'readLearningEvents',
      'rlmActionSchema',
      'rlmStateSchema',
      'summarizeLearningEvents',
      'toLearningEventRows',
      'writeLearningEventsJsonl',
      'writeLearningEventsToon',
    ]);
  });
});
