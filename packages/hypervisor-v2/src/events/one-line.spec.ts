import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import { LINE_BREAK_MARK, ONE_LINE_MAX_CHARS, stripTerminalEscapes, toOneLine } from './one-line.js';

describe('toOneLine', () => {
  it.each([
    ['drops the trailing newline of an output', 'shell exited with code 1: registry timed out\n', 'shell exited with code 1: registry timed out'],
    ['marks each inner line break with ⏎', 'registry timed out\nnpm ERR! code ETIMEDOUT', 'registry timed out ⏎ npm ERR! code ETIMEDOUT'],
    ['takes CRLF, a lone CR and Unicode line separators as line breaks', 'a\r\nb\rc\u2028d\u2029e\u0085f', 'a ⏎ b ⏎ c ⏎ d ⏎ e ⏎ f'],
    ['drops blank lines and the spaces around each line', '  first  \n\n   \n\tsecond\t\n', 'first ⏎ second'],
    ['makes tabs, other control characters and runs of spaces one space', 'a\tb \u0000 c\u007fd    e', 'a b c d e'],
    ['removes colours, cursor moves and terminal titles', '\u001b[31merror\u001b[0m: \u001b[2Kbad\u001b]0;title\u0007 input\u001b[1A', 'error: bad input'],
    ['keeps a text that is one line already', 'dependency 12 failed', 'dependency 12 failed'],
    ['makes nothing of blank text', ' \n\t\n ', ''],
  ])('%s', (_, text, line) => {
    expect(toOneLine(text)).toBe(line);
  });

  it(`keeps at most ${ONE_LINE_MAX_CHARS} characters: the first third and the end, with … between`, () => {
    const text = `shell exited with code 1: ${'npm http fetch GET 200 https://registry.npmjs.org/pkg\n'.repeat(40)}npm ERR! code ETIMEDOUT\n`;
    const line = toOneLine(text);
    expect(line).toHaveLength(ONE_LINE_MAX_CHARS);
    expect(line.startsWith('shell exited with code 1: npm http fetch GET 200')).toBe(true);
    expect(line.endsWith(`${LINE_BREAK_MARK} npm ERR! code ETIMEDOUT`)).toBe(true);
    expect(line.match(/…/g)).toHaveLength(1);
  });

  it('cuts to maxChars when given one, and never with Infinity', () => {
    const text = 'abcdefghij'.repeat(50);
    expect(toOneLine(text, { maxChars: 10 })).toBe('abc…efghij');
    expect(toOneLine(text, { maxChars: Infinity })).toBe(text);
  });

  it('counts and cuts characters, never half of one', () => {
    const line = toOneLine('😀'.repeat(20), { maxChars: 7 });
    expect(line).toBe('😀😀…😀😀😀😀');
    expect(Array.from(line)).toHaveLength(7);
    expect(toOneLine('😀'.repeat(7), { maxChars: 7 })).toBe('😀'.repeat(7));
  });

  it('changes nothing when applied again', () => {
    const once = toOneLine(`\u001b[33mwarning\u001b[0m\n${'x'.repeat(500)}\r\nlast line\n`);
    expect(toOneLine(once)).toBe(once);
  });

  it.each([0, 1, 2.5, -3, Number.NaN])('rejects maxChars %p with invalid_options', (maxChars) => {
    expect.assertions(2);
    try {
      toOneLine('text', { maxChars });
    } catch (error) {
      expect(isHypervisorV2Error(error) && error.code).toBe('invalid_options');
      expect((error as Error).message).toContain(`got ${String(maxChars)}`);
    }
  });
});

describe('stripTerminalEscapes', () => {
  it('removes colour and cursor sequences, titles and links, and keeps the text and its line breaks', () => {
    expect(stripTerminalEscapes('\u001b[31mred\u001b[0m \u001b[2K\u001b[1;32mgreen\u001b[39m\n')).toBe('red green\n');
    expect(stripTerminalEscapes('\u001b]0;title\u0007see \u001b]8;;https://example.test\u001b\\docs\u001b]8;;\u001b\\')).toBe('see docs');
  });

  it('leaves text without escape sequences alone', () => {
    expect(stripTerminalEscapes('[31m is not a sequence')).toBe('[31m is not a sequence');
  });
});
