import { HypervisorV2Error } from '../errors.js';

/** Tells whether a topic is one that a compiled subscription pattern selects. */
export type TopicMatcher = (topic: string) => boolean;

const SEPARATOR = ':';
const ONE_SEGMENT = '*';
const ANY_SEGMENTS = '**';

/**
 * Compiles a subscription pattern into a matcher. Segments are separated by `:`; `*` matches exactly one
 * whole segment, `**` matches zero or more segments (so `run:**` also matches `run`), anything else matches
 * literally. No regular expression is built, so no character of the pattern is special except these.
 * @example
 * const matches = compileTopicPattern('phase:*');
 * matches('phase:started'); // true
 * matches('phase:started:late'); // false
 * @throws HypervisorV2Error `invalid_topic_pattern` when the pattern is empty, has an empty segment, or uses
 * `*` inside a segment (`phase*`, `***`).
 */
export function compileTopicPattern(pattern: string): TopicMatcher {
  const segments = splitSegments(pattern, 'topic pattern');
  if (!segments.some(isWildcard)) return (topic) => topic === pattern;
  if (segments.every((segment) => segment === ANY_SEGMENTS)) return () => true;
  return (topic) => matchSegments(segments, topic.split(SEPARATOR));
}

/**
 * Checks that `topic` names one topic: a pattern without wildcards.
 * @throws HypervisorV2Error `invalid_topic_pattern` when the topic is empty, has an empty segment, or contains
 * `*`.
 */
export function assertValidTopic(topic: string): void {
  const segments = splitSegments(topic, 'topic');
  const wildcard = segments.findIndex(isWildcard);
  if (wildcard >= 0) {
    throw invalid('topic', topic, `segment ${wildcard + 1} is a wildcard; publish to one topic, not a pattern`);
  }
}

type Kind = 'topic' | 'topic pattern';

function splitSegments(text: string, kind: Kind): string[] {
  // Callers from plain JavaScript can pass anything; name what they passed instead of failing in `split`.
  if (typeof text !== 'string') throw invalid(kind, text, `expected a string, received ${typeof text}`);
  if (text.length === 0) throw invalid(kind, text, 'must not be empty');
  const segments = text.split(SEPARATOR);
  segments.forEach((segment, index) => {
    if (segment.length === 0) throw invalid(kind, text, `segment ${index + 1} is empty`);
    if (segment.includes(ONE_SEGMENT) && !isWildcard(segment)) {
      throw invalid(kind, text, `segment ${index + 1} "${segment}" mixes "*" with other characters`);
    }
  });
  return segments;
}

function isWildcard(segment: string): boolean {
  return segment === ONE_SEGMENT || segment === ANY_SEGMENTS;
}

function invalid(kind: Kind, text: unknown, problem: string): HypervisorV2Error {
  // JSON.stringify keeps the message on one line even when the text holds a newline.
  const shown = typeof text === 'string' ? ` ${JSON.stringify(text)}` : '';
  const context = kind === 'topic' ? { topic: text } : { pattern: text };
  return new HypervisorV2Error('invalid_topic_pattern', `invalid ${kind}${shown}: ${problem}`, context);
}

/**
 * Glob matching over segments, linear in the usual case: on a mismatch it retries from the last `**`, letting
 * it swallow one more segment, instead of exploring every split recursively.
 */
function matchSegments(pattern: readonly string[], topic: readonly string[]): boolean {
  let p = 0;
  let t = 0;
  let lastAny = -1;
  let resumeAt = 0;
  while (t < topic.length) {
    const segment = pattern[p];
    if (segment === ANY_SEGMENTS) {
      lastAny = p;
      resumeAt = t;
      p += 1;
    } else if (segment === ONE_SEGMENT || segment === topic[t]) {
      p += 1;
      t += 1;
    } else if (lastAny >= 0) {
      p = lastAny + 1;
      resumeAt += 1;
      t = resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === ANY_SEGMENTS) p += 1;
  return p === pattern.length;
}
