export { BRIDGE_ERROR_CODES, BridgeError, isBridgeError } from './errors.js';
export type { BridgeErrorCode, BridgeErrorContext, EventIssue } from './errors.js';
export type { JsonValue } from './json-value.js';
export { formatLearningEventsJsonl, parseLearningEventsJsonl } from './jsonl.js';
export {
  LEARNING_EVENT_TYPES,
  learningEventMetadataSchema,
  learningEventSchema,
  learningEventTypeSchema,
} from './learning-event.js';
export type { LearningEvent, LearningEventMetadata, LearningEventType } from './learning-event.js';
