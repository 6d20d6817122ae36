/** The name `hypervisor init` gives the config file: the one `hypervisor run` looks for in the project root. */
export const EXAMPLE_CONFIG_NAME = 'hypervisor.config.yaml';

/**
 * The commented config file `hypervisor init` writes: every run-wide setting at its default, and the agents'
 * settings, the ones that matter first uncommented. Valid as it is.
 */
export const EXAMPLE_CONFIG = `# The settings of \`hypervisor run\` in this project. Flags win over this file, and this file over the
# built-in defaults; \`hypervisor config\` shows what applies and where each value comes from.
run:
  mode: sequential        # sequential | parallel | interactive | dry-run
  workers: 4              # most phases at once in parallel mode
  timeout: 10m            # one attempt's limit: 90s, 10m, 2h, or a number of seconds
  retries: 3              # retries after a failed attempt (a usage limit spends none)
  keepGoing: false        # after a failure, still run every phase whose dependencies succeeded
  groupPolicy: strict     # strict: only phases of one parallel_group run side by side; ignore: dependencies only
  checkpointFormat: toon  # toon, or kazuba for the original's Python tooling
  stallWindow: 30m        # a parallel run where no phase finishes this long falls back to sequential
  breaker:
    threshold: 5          # consecutive failed attempts that open the circuit breaker (0: never)
    cooldown: 60s         # then one probe phase may run
  agent: claude           # the agent of phases without a run: line or an agent: of their own
  deniedEdits: partial    # an agent denied an edit: the phase ends partial, or (failed) the attempt fails
  report: false           # true: write the run's HTML report (.hypervisor/runs/<run-id>/report.html) as it ends
  events:
    keepRuns: 50          # runs that keep all their learning events; older ones keep only their durations

# A phase's own agent, model, max_turns and allowed_tools (front matter) win over these.
agents:
  claude:
    permissionMode: acceptEdits   # acceptEdits (edits allowed) | default | plan (read only) | dontAsk | auto | bypassPermissions
    # model: sonnet
    # maxTurns: 50
    # allowedTools: [Edit, Write, "Bash(npm test:*)"]
    # disallowedTools: [WebFetch, WebSearch]
    # appendSystemPrompt: "The hypervisor validates your work after you finish."
    # maxBudgetUsd: 5             # the most one attempt may spend
  codex:
    permissionMode: workspace-write   # read-only | workspace-write | danger-full-access
    # model: gpt-5-codex
    # skipGitRepoCheck: true          # run outside a git repository too
  gemini:
    permissionMode: auto_edit         # default | auto_edit | plan | yolo
    # model: gemini-2.5-pro
  # A profile of your own, from a built-in one (use it with --agent opus, or agent: opus in a phase):
  # opus:
  #   extends: claude
  #   model: opus
`;
