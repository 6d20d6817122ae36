import { describe, expect, it } from '@jest/globals';
import type { AgentProgress } from '../../schedule/ports.js';
import { MAX_STREAM_LINE_CHARS, TOOL_ARGUMENT_CHARS, briefText, createProgressReader, describeTool, projectPath } from './stream-progress.js';
import type { MessageReader, StreamMessage } from './stream-progress.js';

// A reader that gives the `step` of each message and records every message it was handed.
function recording(): { read: MessageReader; seen: StreamMessage[] } {
  const seen: StreamMessage[] = [];
  const read: MessageReader = (message) => {
    seen.push(message);
    return message['step'] === undefined ? [] : [message['step'] as AgentProgress];
  };
  return { read, seen };
}

const line = (step: AgentProgress): string => `${JSON.stringify({ step })}\n`;

describe('createProgressReader', () => {
  it('assembles lines split across chunks, at any boundary', () => {
    const stream = line({ turns: 1 }) + line({ tool: 'Bash npm test' }) + line({ costUsd: 0.25 });
    const expected = [{ turns: 1 }, { turns: 1, tool: 'Bash npm test' }, { turns: 1, tool: 'Bash npm test', costUsd: 0.25 }];
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const reader = createProgressReader(recording().read);
      expect([...reader.take(stream.slice(0, cut)), ...reader.take(stream.slice(cut)), ...reader.end()]).toEqual(expected);
    }
    const byChar = createProgressReader(recording().read);
    expect([...stream].flatMap((char) => byChar.take(char))).toEqual(expected);
  });

  it('ignores garbage, blank lines, arrays, JSON that is no object, and lines cut short', () => {
    const { read, seen } = recording();
    const reader = createProgressReader(read);
    const garbage = ['not json at all', '', '   ', '[1,2]', '"text"', '{"step":{"turns":', 'null', '{ broken } {'].join('\n');
    expect(reader.take(`${garbage}\n${line({ turns: 2 })}`)).toEqual([{ turns: 2 }]);
    expect(seen).toEqual([{ step: { turns: 2 } }]);
  });

  it('gives a progress only when a step changes what is known, each time everything known so far', () => {
    const reader = createProgressReader(recording().read);
    const chunk = line({ model: 'opus', sessionId: 's' }) + line({ model: 'opus' }) + line({}) + line({ turns: 1 }) + line({ turns: 1 });
    expect(reader.take(chunk)).toEqual([{ model: 'opus', sessionId: 's' }, { model: 'opus', sessionId: 's', turns: 1 }]);
    expect(reader.take(line({ tool: 'Read a.ts' }) + line({ tool: 'Read a.ts' }))).toEqual([{ model: 'opus', sessionId: 's', turns: 1, tool: 'Read a.ts' }]);
  });

  it('reads the last line, which no line break ended, when the output ends, and only once', () => {
    const reader = createProgressReader(recording().read);
    expect(reader.take(line({ turns: 1 }) + JSON.stringify({ step: { costUsd: 1 } }))).toEqual([{ turns: 1 }]);
    expect(reader.end()).toEqual([{ turns: 1, costUsd: 1 }]);
    expect(reader.end()).toEqual([]);
  });

  it('skips a line longer than the limit, whole, and reads the next one', () => {
    const { read, seen } = recording();
    const reader = createProgressReader(read);
    const long = JSON.stringify({ step: { tool: 'Write big.txt' }, content: 'x'.repeat(MAX_STREAM_LINE_CHARS) });
    expect(reader.take(long.slice(0, 1000))).toEqual([]);
    expect(reader.take(long.slice(1000, MAX_STREAM_LINE_CHARS + 10))).toEqual([]);
    expect(reader.take(`${long.slice(MAX_STREAM_LINE_CHARS + 10)}\n${line({ turns: 4 })}`)).toEqual([{ turns: 4 }]);
    expect(seen).toEqual([{ step: { turns: 4 } }]);
  });
});

describe('tool description helpers', () => {
  it('cuts an argument to its first line and at most the limit', () => {
    expect(briefText('  npm test \nnpm run lint')).toBe('npm test');
    expect(briefText('a'.repeat(TOOL_ARGUMENT_CHARS))).toBe('a'.repeat(TOOL_ARGUMENT_CHARS));
    expect(briefText('b'.repeat(TOOL_ARGUMENT_CHARS + 1))).toBe(`${'b'.repeat(TOOL_ARGUMENT_CHARS - 1)}…`);
  });

  it.each([
    ['/repo/src/app.ts', 'src/app.ts'],
    ['/repo', '.'],
    ['/repository/x.ts', '/repository/x.ts'],
    ['/etc/hosts', '/etc/hosts'],
    ['src/relative.ts', 'src/relative.ts'],
    ['/repo/..hidden', '..hidden'],
  ])('shows %s as %s from the project root /repo', (path, shown) => {
    expect(projectPath(path, '/repo')).toBe(shown);
  });

  it('names the tool alone when it has no argument', () => {
    expect(describeTool('Task', undefined)).toBe('Task');
    expect(describeTool('Task', '')).toBe('Task');
    expect(describeTool('Bash', 'ls')).toBe('Bash ls');
  });
});
