/** What the router is asked to place: the phase's task and, when the plan gives one, its `agent_execution_spec`. */
export interface SkillTask {
  readonly description: string;
  readonly agentExecutionSpec?: string;
}

/** Where a task should go. */
export interface SkillRoute {
  /** An agent profile (e.g. `claude`) or a skill name. */
  readonly target: string;
  readonly kind: 'agent' | 'skill';
  /** 0 (a guess: the default route) to 1 (every signal agreed). */
  readonly confidence: number;
  /** The rule that chose it; absent for the default route. */
  readonly rule?: string;
}

/**
 * The skill router: picks the agent profile or skill best suited to a task. The name comes from the original
 * (where it was meant to use GPU embeddings) and is kept for compatibility; nothing here needs a GPU.
 */
export interface GPUSkillRouter {
  route(task: SkillTask): SkillRoute;
}
