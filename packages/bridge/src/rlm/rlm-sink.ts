import { BridgeError } from '../errors.js';
import { describeIssues, toEventIssues } from '../event-issues.js';
import { appendLines, toFileError } from '../io/text-files.js';
import { learningRecordSchema } from './learning-record.js';
import type { LearningRecord } from './learning-record.js';

/**
 * Where RLM learning records go: a file, a queue, a learning service. The bridge calls `write` once per record,
 * in order, and waits for each call to settle before the next.
 */
export interface RlmSink {
  /** Stores one record; rejects when it cannot. */
  write(record: LearningRecord): Promise<void>;
}

/** Validates a learning record, returning zod's output (fields in schema order). */
function validateRecord(record: LearningRecord): LearningRecord {
  const result = learningRecordSchema.safeParse(record);
  if (result.success) return result.data;
  const issues = toEventIssues(result.error);
  throw new BridgeError('invalid_record', `invalid learning record: ${describeIssues(issues)}`, { issues }, { cause: result.error });
}

/**
 * Creates an {@link RlmSink} that appends each record as one JSON line to a file (created with its folders when
 * missing). Each record is validated, then appended whole in one call, after a line feed if the file ends inside
 * a line; concurrent `write` calls are written one after another, in call order.
 * @throws BridgeError from `write`: `invalid_record` naming the fields, `io_error` naming the file.
 * @example
 * const bridge = createHypervisorBridge({ rlm: { sink: createJsonlRlmSink('.hypervisor/rlm.jsonl'), rewards: createRewardCalculator() } });
 */
export function createJsonlRlmSink(path: string): RlmSink {
  let queue: Promise<void> = Promise.resolve();
  return Object.freeze({
    async write(record: LearningRecord): Promise<void> {
      const line = `${JSON.stringify(validateRecord(record))}\n`;
      const written = queue.then(async () => {
        try {
          await appendLines(path, line);
        } catch (error) {
          throw toFileError(error, path, 'append to', 'RLM records');
        }
      });
      // The next write waits for this one, whether it worked or not.
      queue = written.catch(() => undefined);
      return written;
    },
  });
}
