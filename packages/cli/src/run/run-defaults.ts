/**
 * The defaults of `hypervisor run`, shared by its help text and its option schema. Plain values, so that
 * `--help` does not load the schema library.
 */
export const RUN_DEFAULTS = Object.freeze({
  mode: 'sequential',
  workers: 4,
  agent: 'claude',
  timeoutSeconds: 600,
  retries: 3,
  checkpointFormat: 'toon',
  groupPolicy: 'strict',
  isolation: 'auto',
  deniedEdits: 'partial',
  retryFreshSession: false,
  /** Relative to the project root. */
  eventsFile: '.hypervisor/learning.jsonl',
  /** How many of the latest runs keep all their learning events: the default of `@kazuba/bridge`'s compaction. */
  eventsKeepRuns: 50,
});

/** The modes `--mode` accepts; `dry-run` and `dry_run` are the same mode. */
export const RUN_MODES = ['sequential', 'parallel', 'interactive', 'dry-run', 'dry_run'] as const;

/** The encodings `--checkpoint-format` accepts. */
export const CHECKPOINT_FORMATS = ['toon', 'kazuba'] as const;

/** The values `--group-policy` accepts. */
export const GROUP_POLICIES = ['strict', 'ignore'] as const;

/** The values `--isolation` accepts. */
export const ISOLATIONS = ['auto', 'worktree', 'none'] as const;
