/** The size hints a plan gives for a phase, used to estimate durations until history exists. */
export interface PhaseEstimates {
  /** T-shirt size: `XS`, `S`, `M`, `L` or `XL`. */
  readonly effort?: string;
  readonly estimatedTokens?: number;
  /** An explicit duration estimate in milliseconds (front matter `estimated_minutes` × 60000). */
  readonly durationMs?: number;
}

/** A `cross_refs` entry: a link to another phase file and how it relates. */
export interface CrossRef {
  readonly file: string;
  readonly relation: string;
}

/** One phase of a plan, validated and frozen. */
export interface Phase {
  readonly id: number;
  readonly title: string;
  readonly dependsOn: readonly number[];
  /** Phases with the same non-null group were designed to run side by side; null: runs alone (strict policy). */
  readonly parallelGroup: string | null;
  /** Relative to the plan folder. */
  readonly validationScript?: string;
  /** Relative to the project root. */
  readonly checkpoint: string;
  /** The markdown body: what the agent is asked to do. */
  readonly prompt: string;
  /** The agent's turn limit for this phase; wins over the profile's. */
  readonly maxTurns?: number;
  /** The agent profile that runs this phase; wins over the run's default agent. */
  readonly agent?: string;
  /** The model for this phase; wins over the profile's. */
  readonly model?: string;
  /** Tools the agent may use without asking in this phase; replaces the profile's list. */
  readonly allowedTools?: readonly string[];
  /** Labels the config's routing rules match on (`when: { tags: [...] }`). */
  readonly tags?: readonly string[];
  /** When it fails or is skipped, the run does not fail because of it. */
  readonly canSkip: boolean;
  /** A command line for plans that need no agent. */
  readonly run?: string;
  readonly estimates: PhaseEstimates;
  readonly memoryMb?: number;
  readonly recoveryPlan?: string;
  readonly agentExecutionSpec?: string;
  /** Informational only: a phase marked done is still verified through its checkpoint. */
  readonly status?: string;
  readonly crossRefs: readonly CrossRef[];
  /** Front matter fields the hypervisor does not know, kept as they were. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** The phase file relative to the plan folder; absent for phases defined in code. */
  readonly file?: string;
  /**
   * Where the file's front matter opened (1-based line, spaces before the `---`), when not at the start of line
   * 1: the original's v1 generator indented it. It was read as if it were there; `lintPlan` warns.
   */
  readonly frontMatterAt?: { readonly line: number; readonly indent: number };
  /** `sha256:…` of the phase file (or of the definition, for phases defined in code). */
  readonly hash: string;
}

/** A validated plan: its phases in id order, and an index by id. */
export interface Plan {
  readonly name: string;
  /** The plan folder, for plans loaded from disk. */
  readonly dir?: string;
  readonly phases: readonly Phase[];
  readonly byId: ReadonlyMap<number, Phase>;
}
