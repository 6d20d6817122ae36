/**
 * Exit codes of the `hypervisor` command: `ok` every phase succeeded or was already complete; `failed` a
 * phase failed, was skipped because of a failure, or the breaker opened (and unexpected errors); `usage` a bad
 * flag, plan, checkpoint or input file; `interrupted` Ctrl-C (SIGINT) or SIGTERM stopped the run.
 */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, interrupted: 130 });
