import { describe, expect, it } from '@jest/globals';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';
import { watchOutput } from './output-rules.js';

function profileOf(input: AgentProfileInput | string): AgentProfile {
  const name = typeof input === 'string' ? input : input.name;
  return resolveProfiles(typeof input === 'string' ? [] : [input]).get(name) as AgentProfile;
}

/** `codex exec --json` without network, as codex 0.171 printed it. */
const CODEX_OFFLINE = [
  '{"type":"thread.started","thread_id":"01a2b3"}',
  '{"type":"turn.started"}',
  '{"type":"error","message":"Reconnecting... 2/5 (stream disconnected before completion: failed to lookup address information: Name does not resolve)"}',
  '{"type":"error","message":"Reconnecting... waiting for network (Connection failed: error sending request)"}',
];
const GEMINI_OFFLINE = 'Attempt 1 failed. Retrying with backoff... Error: exception TypeError: fetch failed sending request';

const notLoggedIn: AgentProfileInput = { name: 'aider', command: 'aider', args: ['{prompt}'], outputRules: [{ match: '^Not logged in', outcome: 'fatal', message: 'log in to aider first' }] };

describe('watchOutput', () => {
  it('ends a codex attempt without network as transient, on the line where codex starts waiting for it', () => {
    const watch = watchOutput(profileOf('codex'));
    expect(watch.take('stdout', `${CODEX_OFFLINE.slice(0, 3).join('\n')}\n`)).toBeUndefined();
    const hit = watch.take('stdout', `${CODEX_OFFLINE[3]}\n`);
    expect(hit).toEqual({
      rule: expect.objectContaining({ outcome: 'transient', stream: 'stdout', message: 'codex cannot reach its service (no network)' }),
      line: CODEX_OFFLINE[3],
    });
    expect(watch.hit).toBe(hit);
  });

  it('ends a gemini attempt without network as transient, on its retry line on stderr', () => {
    const hit = watchOutput(profileOf('gemini')).take('stderr', `${GEMINI_OFFLINE}\n`);
    expect(hit).toEqual({ rule: expect.objectContaining({ outcome: 'transient', stream: 'stderr', message: 'gemini cannot reach its service (no network)' }), line: GEMINI_OFFLINE });
  });

  it.each<[string, string, 'stdout' | 'stderr', string]>([
    ['the codex line on stderr', 'codex', 'stderr', `${CODEX_OFFLINE[3]}\n`],
    ['an agent message quoting the codex line', 'codex', 'stdout', `{"type":"item.completed","item":{"type":"agent_message","text":${JSON.stringify(CODEX_OFFLINE[3])}}}\n`],
    ['the gemini line on stdout', 'gemini', 'stdout', `${GEMINI_OFFLINE}\n`],
    ['the gemini line quoted by an answer', 'gemini', 'stderr', `The log said: ${GEMINI_OFFLINE}\n`],
    ['the codex line to claude', 'claude', 'stdout', `${CODEX_OFFLINE[3]}\n`],
    ['the gemini line to a command profile', 'shell', 'stderr', `${GEMINI_OFFLINE}\n`],
  ])('lets %s pass', (_case, profile, stream, text) => {
    const watch = watchOutput(profileOf(profile));
    expect(watch.take(stream, text)).toBeUndefined();
    expect(watch.hit).toBeUndefined();
  });

  it("applies a profile's own rule, on both streams unless it names one", () => {
    expect(watchOutput(profileOf(notLoggedIn)).take('stdout', 'Not logged in, sorry\n')).toEqual({
      rule: { match: '^Not logged in', outcome: 'fatal', stream: 'both', message: 'log in to aider first' },
      line: 'Not logged in, sorry',
    });
    expect(watchOutput(profileOf(notLoggedIn)).take('stderr', '  Not logged in  \n')).toBeUndefined();
    expect(watchOutput(profileOf(notLoggedIn)).take('stderr', 'Not logged in  \n')?.line).toBe('Not logged in');
  });

  it('applies a rule only to the stream it names', () => {
    const profile = profileOf({ name: 'claude', outputRules: [{ match: 'overloaded', outcome: 'transient', stream: 'stderr' }] });
    const watch = watchOutput(profile);
    expect(watch.take('stdout', 'the API is overloaded\n')).toBeUndefined();
    expect(watch.take('stderr', 'the API is overloaded\n')?.rule.outcome).toBe('transient');
  });

  it("checks a profile's own rules before its kind's", () => {
    const profile = profileOf({ name: 'codex', outputRules: [{ match: 'waiting for network', outcome: 'fatal', message: 'no network on this machine' }] });
    expect(watchOutput(profile).take('stdout', `${CODEX_OFFLINE[3]}\n`)?.rule).toEqual({
      match: 'waiting for network',
      outcome: 'fatal',
      stream: 'both',
      message: 'no network on this machine',
    });
  });

  it('assembles a line from the chunks of its stream, without mixing the streams', () => {
    const watch = watchOutput(profileOf(notLoggedIn));
    expect(watch.take('stdout', 'Not log')).toBeUndefined();
    expect(watch.take('stderr', 'ged in\n')).toBeUndefined();
    expect(watch.take('stdout', 'ged in\nmore')).toEqual(expect.objectContaining({ line: 'Not logged in' }));
  });

  it('tests a line only once it is complete', () => {
    const watch = watchOutput(profileOf(notLoggedIn));
    expect(watch.take('stdout', 'Not logged in')).toBeUndefined();
    expect(watch.hit).toBeUndefined();
    expect(watch.take('stdout', '\n')?.line).toBe('Not logged in');
  });

  it('tests the last line of each stream when the output ends without a line break', () => {
    const watch = watchOutput(profileOf(notLoggedIn));
    expect(watch.take('stderr', 'working\nNot logged in')).toBeUndefined();
    expect(watch.end()).toMatchObject({ line: 'Not logged in', rule: { outcome: 'fatal' } });
    expect(watch.hit?.line).toBe('Not logged in');
    const clean = watchOutput(profileOf(notLoggedIn));
    clean.take('stdout', 'all done');
    expect(clean.end()).toBeUndefined();
  });

  it('gives the first hit once and keeps it', () => {
    const watch = watchOutput(profileOf({ ...notLoggedIn, outputRules: [{ match: '^(first|second)$', outcome: 'transient' }] }));
    const first = watch.take('stdout', 'zero\nfirst\nsecond\n');
    expect(first?.line).toBe('first');
    expect(watch.take('stdout', 'second\n')).toBeUndefined();
    expect(watch.hit).toBe(first);
  });

  it.each<[string, string[], boolean]>([
    ['a line within 64 KiB, in chunks', ['a'.repeat(40_000), 'a'.repeat(25_000), 'END\n'], true],
    ['a line over 64 KiB, in one chunk', [`${'a'.repeat(70_000)}END\n`], false],
    ['a line over 64 KiB, in chunks', ['a'.repeat(40_000), 'a'.repeat(40_000), 'END\n'], false],
  ])('tests a line by its first 64 KiB only: %s ending in a match hits: %s', (_case, chunks, hits) => {
    const watch = watchOutput(profileOf({ ...notLoggedIn, outputRules: [{ match: 'END$', outcome: 'fatal' }] }));
    for (const chunk of chunks) watch.take('stdout', chunk);
    expect(watch.hit !== undefined).toBe(hits);
  });

  it('finds a rule in the first 64 KiB of a longer line, reporting those', () => {
    const watch = watchOutput(profileOf({ ...notLoggedIn, outputRules: [{ match: '^START', outcome: 'transient' }] }));
    expect(watch.take('stdout', `START${'a'.repeat(70_000)}`)).toBeUndefined();
    expect(watch.take('stdout', 'a\n')?.line).toBe(`START${'a'.repeat(65_531)}`);
  });
});
