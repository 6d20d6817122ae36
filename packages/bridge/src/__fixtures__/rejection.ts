// How a bridge call failed: the specs assert on the BridgeError a promise rejects with.
import { isBridgeError } from '../errors.js';
import type { BridgeError } from '../errors.js';

/** The BridgeError `promise` rejects with; any other outcome fails the test. */
export async function rejectionOf(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    if (isBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}
