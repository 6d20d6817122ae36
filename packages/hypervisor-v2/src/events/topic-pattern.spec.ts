import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import { assertValidTopic, compileTopicPattern } from './topic-pattern.js';

function rejectionOf(action: () => unknown): HypervisorV2Error {
  try {
    action();
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a HypervisorV2Error');
}

describe('compileTopicPattern', () => {
  it.each<[string, string, boolean]>([
    ['phase:started', 'phase:started', true],
    ['phase:started', 'phase:finished', false],
    ['phase:started', 'phase:started:late', false],
    ['phase:*', 'phase:started', true],
    ['phase:*', 'phase', false],
    ['phase:*', 'phase:started:late', false],
    ['phase:*', 'run:started', false],
    ['*:failed', 'handler:failed', true],
    ['*', 'run', true],
    ['*', 'run:started', false],
    ['**', 'run', true],
    ['**', 'run:started:now', true],
    ['**:**', 'run:started', true],
    ['run:**', 'run', true],
    ['run:**', 'run:started', true],
    ['run:**', 'run:a:b:c', true],
    ['run:**', 'runner:started', false],
    ['run:**', 'phase:started', false],
    ['**:failed', 'failed', true],
    ['**:failed', 'phase:x:failed', true],
    ['**:failed', 'phase:failed:late', false],
    ['a:**:b', 'a:b', true],
    ['a:**:b', 'a:x:y:b', true],
    ['a:**:b', 'a:b:c:b', true],
    ['a:**:b', 'a:b:c', false],
    ['a:**:*:c', 'a:x:c:y:c', true],
    ['a:**:*:c', 'a:c', false],
    ['a:**:b:**:c', 'a:b:x:b:y:c', true],
    ['a:**:b:**:c', 'a:x:c', false],
    ['a.b:(c)', 'a.b:(c)', true],
    ['a.b:(c)', 'aXb:(c)', false],
    ['[x]+:$', '[x]+:$', true],
  ])('pattern %s on topic %s matches: %s', (pattern, topic, expected) => {
    expect(compileTopicPattern(pattern)(topic)).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['an empty pattern', '', 'invalid topic pattern "": must not be empty'],
    ['a leading separator', ':phase', 'invalid topic pattern ":phase": segment 1 is empty'],
    ['a trailing separator', 'phase:', 'invalid topic pattern "phase:": segment 2 is empty'],
    ['a doubled separator', 'phase::started', 'invalid topic pattern "phase::started": segment 2 is empty'],
    ['a star inside a segment', 'phase*', 'invalid topic pattern "phase*": segment 1 "phase*" mixes "*" with other characters'],
    ['three stars', 'run:***', 'invalid topic pattern "run:***": segment 2 "***" mixes "*" with other characters'],
    ['a pattern that is not a string', 42, 'invalid topic pattern: expected a string, received number'],
  ])('rejects %s with invalid_topic_pattern naming it and the problem', (_name, pattern, expected) => {
    const error = rejectionOf(() => compileTopicPattern(pattern as string));
    expect(error.code).toBe('invalid_topic_pattern');
    expect(error.message).toBe(expected);
    expect(error.context['pattern']).toBe(pattern);
  });

  it('keeps the message on one line when the pattern holds a newline', () => {
    const error = rejectionOf(() => compileTopicPattern('a\n:'));
    expect(error.message).toBe('invalid topic pattern "a\\n:": segment 2 is empty');
  });
});

describe('assertValidTopic', () => {
  it('accepts a topic of one or more literal segments', () => {
    expect(() => assertValidTopic('run')).not.toThrow();
    expect(() => assertValidTopic('phase:started:late')).not.toThrow();
  });

  it.each<[string, string]>([
    ['', 'invalid topic "": must not be empty'],
    ['phase:', 'invalid topic "phase:": segment 2 is empty'],
    ['phase:*', 'invalid topic "phase:*": segment 2 is a wildcard; publish to one topic, not a pattern'],
    ['**', 'invalid topic "**": segment 1 is a wildcard; publish to one topic, not a pattern'],
    ['phase*', 'invalid topic "phase*": segment 1 "phase*" mixes "*" with other characters'],
  ])('rejects the topic %j with invalid_topic_pattern', (topic, expected) => {
    const error = rejectionOf(() => assertValidTopic(topic));
    expect(error.code).toBe('invalid_topic_pattern');
    expect(error.message).toBe(expected);
    expect(error.context['topic']).toBe(topic);
  });
});
