import { describe, expect, it } from '@jest/globals';
import * as bridge from './index.js';

describe('@kazuba/bridge entry point', () => {
  it('exposes exactly the documented runtime names', () => {
    expect(Object.keys(bridge).sort()).toEqual([
      'BRIDGE_ERROR_CODES',
      'BridgeError',
      'LEARNING_EVENT_TYPES',
      'formatLearningEventsJsonl',
      'isBridgeError',
      'learningEventMetadataSchema',
      'learningEventSchema',
      'learningEventTypeSchema',
      'parseLearningEventsJsonl',
    ]);
  });
});
