/** Every way validating a contract value of `@kazuba/hypervisor-v2` can fail; the `code` of a {@link HypervisorV2Error}. */
export const HYPERVISOR_V2_ERROR_CODES = [
  'invalid_plugin_config',
  'invalid_state',
  'invalid_event',
  'invalid_router_config',
  'invalid_topic_pattern',
  'mesh_closed',
  'plugin_conflict',
  'memory_exhausted',
  'memory_request_too_large',
  'unknown_memory_tier',
  'aborted',
  'timed_out',
  'invalid_options',
  'invalid_memory_request',
] as const;

/** The closed set of {@link HypervisorV2Error} codes. */
export type HypervisorV2ErrorCode = (typeof HYPERVISOR_V2_ERROR_CODES)[number];

/** One problem zod found in an input, with the field it concerns. */
export interface ValidationIssue {
  /** Where in the input, e.g. `settings.retries` or `countsByStatus.running`; empty for the input itself. */
  readonly path: string;
  /** What is wrong there, one line. */
  readonly message: string;
}

/**
 * What a {@link HypervisorV2Error} knows about where it happened. Known keys are typed; the record stays open
 * so later codes can add their own.
 */
export interface HypervisorV2ErrorContext extends Readonly<Record<string, unknown>> {
  /** The file or other origin the input came from, when the caller named one. */
  readonly source?: string;
  /** Every problem found in the input. */
  readonly issues?: readonly ValidationIssue[];
}

const BRAND = Symbol.for('kazuba.hypervisor-v2.error');
const CODES: ReadonlySet<string> = new Set(HYPERVISOR_V2_ERROR_CODES);

/**
 * The one error type of `@kazuba/hypervisor-v2`: a typed `code`, a frozen `context` and the underlying `cause`.
 *
 * The message is one line and names the source and the offending fields.
 */
export class HypervisorV2Error extends Error {
  override readonly name = 'HypervisorV2Error';
  readonly code: HypervisorV2ErrorCode;
  readonly context: HypervisorV2ErrorContext;
  readonly [BRAND] = true;

  constructor(code: HypervisorV2ErrorCode, message: string, context: HypervisorV2ErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}

/**
 * Tells whether `value` is a {@link HypervisorV2Error}, also one thrown by another copy of this package: it checks
 * a registered brand and that the code is one of {@link HYPERVISOR_V2_ERROR_CODES}, not `instanceof`.
 * @example
 * try {
 *   parsePluginConfig(raw, 'plugins/audit.json');
 * } catch (error) {
 *   if (isHypervisorV2Error(error) && error.code === 'invalid_plugin_config') console.error(error.message);
 *   else throw error;
 * }
 */
export function isHypervisorV2Error(value: unknown): value is HypervisorV2Error {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
