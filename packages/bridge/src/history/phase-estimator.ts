/**
 * The little of a plan phase the bridge needs: its id and the hash of its definition. `@kazuba/core`'s
 * `Phase` has both, so core's phases can be passed wherever this is asked for.
 */
export interface EstimablePhase {
  readonly id: number;
  /** `sha256:…` of the phase file; a different hash means the phase was edited. */
  readonly hash: string;
}

/**
 * An expected duration and where it came from. `@kazuba/core`'s `Estimate` has the same shape, with `S` its
 * `EstimateSource` (`'history' | 'explicit' | 'tokens' | 'effort' | 'default'`).
 */
export interface PhaseEstimate<S extends string = string> {
  readonly durationMs: number;
  readonly source: S;
}

/**
 * Estimates how long a phase will take. Structurally the same as `@kazuba/core`'s `Estimator` (with `P` its
 * `Phase` and `S` its `EstimateSource`), which the bridge may not import: core's `createHintEstimator()` can be
 * passed where a `PhaseEstimator` is asked for, and a {@link DurationHistory} can be passed to core's
 * scheduler as its estimator.
 */
export interface PhaseEstimator<P extends EstimablePhase = EstimablePhase, S extends string = string> {
  estimate(phase: P): PhaseEstimate<S>;
}
