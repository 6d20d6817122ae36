import { describe, expect, it } from '@jest/globals';
import { describeGeminiTool, readGeminiStream } from './gemini-stream.js';

const root = '/repo';
const lines = (...events: object[]): string => events.map((event) => `${JSON.stringify(event)}\n`).join('');
const at = '2025-06-01T10:00:00.000Z';

describe('describeGeminiTool', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['read_file', { file_path: '/repo/src/app.ts' }, 'read_file src/app.ts'],
    ['read_file', { absolute_path: '/repo/old.ts' }, 'read_file old.ts'],
    ['write_file', { file_path: '/repo/notes.md', content: '…' }, 'write_file notes.md'],
    ['replace', { file_path: '/repo/src/app.ts', old_string: 'a', new_string: 'b' }, 'replace src/app.ts'],
    ['list_directory', { dir_path: '/repo/src' }, 'list_directory src'],
    ['list_directory', { path: '/elsewhere' }, 'list_directory /elsewhere'],
    ['run_shell_command', { command: 'npm test\nnpm run lint', description: 'tests' }, 'run_shell_command npm test'],
    ['glob', { pattern: '**/*.ts' }, 'glob **/*.ts'],
    ['grep_search', { pattern: 'TODO' }, 'grep_search TODO'],
    ['search_file_content', { pattern: 'FIXME' }, 'search_file_content FIXME'],
    ['google_web_search', { query: 'zod v4 strictObject' }, 'google_web_search zod v4 strictObject'],
    ['web_fetch', { prompt: 'Summarise https://example.com' }, 'web_fetch Summarise https://example.com'],
    ['write_todos', { todos: [] }, 'write_todos'],
    ['read_file', {}, 'read_file'],
    ['constructor', {}, 'constructor'],
  ])('describes %s %j as %s', (name, parameters, expected) => {
    expect(describeGeminiTool(name, parameters, root)).toBe(expected);
  });
});

describe('readGeminiStream', () => {
  it('reads the model and session of init and the tool of each tool use (gemini 0.61 stream-json events)', () => {
    const reader = readGeminiStream(root);
    const stream = lines(
      { type: 'init', timestamp: at, session_id: 'c0ffee', model: 'gemini-2.5-pro' },
      { type: 'message', timestamp: at, role: 'user', content: 'Fix the build' },
      { type: 'message', timestamp: at, role: 'assistant', content: 'Looking', delta: true },
      { type: 'tool_use', timestamp: at, tool_name: 'read_file', tool_id: 'read_file-1', parameters: { file_path: '/repo/package.json' } },
      { type: 'tool_result', timestamp: at, tool_id: 'read_file-1', status: 'success', output: '{}' },
      { type: 'tool_use', timestamp: at, tool_name: 'run_shell_command', tool_id: 'shell-2', parameters: { command: 'npm run build' } },
      { type: 'result', timestamp: at, status: 'success', stats: { total_tokens: 900, input_tokens: 800, output_tokens: 100, duration_ms: 4000, tool_calls: 2 } },
    );
    const known = { model: 'gemini-2.5-pro', sessionId: 'c0ffee' };
    expect(reader.take(stream)).toEqual([known, { ...known, tool: 'read_file package.json' }, { ...known, tool: 'run_shell_command npm run build' }]);
  });

  it('ignores an init and a tool use without what they should carry', () => {
    const reader = readGeminiStream(root);
    expect(reader.take(lines({ type: 'init' }, { type: 'tool_use', parameters: {} }, { type: 'error', severity: 'warning', message: 'Loop detected' }))).toEqual([]);
    expect(reader.take(lines({ type: 'tool_use', tool_name: 'glob' }))).toEqual([{ tool: 'glob' }]);
  });
});
