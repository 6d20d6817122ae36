import type { AgentKind, AgentProfile, OutputRule } from './agent-profile.js';

/**
 * The rules each agent CLI comes with. codex and gemini retry their service for a long time (codex forever) when
 * there is no network; these end such an attempt at once as transient, so that our backoff and retry count apply.
 * Anchored on the CLI's own event or log line, so that an agent's message quoting the text does not match.
 */
const KIND_RULES: Readonly<Record<AgentKind, readonly OutputRule[]>> = {
  claude: [],
  codex: [
    {
      match: '^\\{"type":"error","message":"Reconnecting\\.\\.\\. waiting for network',
      outcome: 'transient',
      stream: 'stdout',
      message: 'codex cannot reach its service (no network)',
    },
  ],
  gemini: [
    {
      match: '^Attempt \\d+ failed\\. Retrying with backoff\\.\\.\\. Error: exception TypeError: fetch failed',
      outcome: 'transient',
      stream: 'stderr',
      message: 'gemini cannot reach its service (no network)',
    },
  ],
  command: [],
};

/** A rule that matched a line of output. */
export interface RuleHit {
  readonly rule: OutputRule;
  readonly line: string;
}

interface CompiledRule {
  readonly rule: OutputRule;
  readonly regex: RegExp;
}

/** Watches an attempt's output, line by line, for the first line that a rule matches. */
export interface OutputWatch {
  /** Takes a chunk of output; returns the hit when this chunk completed a matching line (only the first hit is returned). */
  take(stream: 'stdout' | 'stderr', text: string): RuleHit | undefined;
  /** The output has ended: tests each stream's last line, which no line break ended; returns the hit so far. */
  end(): RuleHit | undefined;
  /** The rule that matched, if one did. */
  readonly hit: RuleHit | undefined;
}

const MAX_LINE_CHARS = 65_536;

/**
 * A watch of the profile's output rules, then its kind's. Lines are assembled across chunks per stream; a line
 * longer than 64 KiB is tested by its first 64 KiB.
 */
export function watchOutput(profile: AgentProfile): OutputWatch {
  const rules: CompiledRule[] = [...profile.outputRules, ...KIND_RULES[profile.kind]].map((rule) => ({ rule, regex: new RegExp(rule.match) }));
  const partial = { stdout: '', stderr: '' };
  let hit: RuleHit | undefined;
  const test = (stream: 'stdout' | 'stderr', line: string): RuleHit | undefined => {
    const found = rules.find(({ rule, regex }) => (rule.stream === 'both' || rule.stream === stream) && regex.test(line));
    return found === undefined ? undefined : { rule: found.rule, line: line.trim() };
  };
  return {
    get hit() {
      return hit;
    },
    take(stream, text) {
      if (hit !== undefined || rules.length === 0) return undefined;
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = (lines.pop() ?? '').slice(0, MAX_LINE_CHARS);
      for (const line of lines) {
        // The kept start of a long line is joined to the chunk that ends it: cut again so that only its start is tested.
        hit = test(stream, line.slice(0, MAX_LINE_CHARS));
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) {
        const last = partial[stream];
        partial[stream] = '';
        if (hit === undefined && last !== '') hit = test(stream, last);
      }
      return hit;
    },
  };
}
