import { describe, expect, it } from '@jest/globals';
import { describeClaudeTool, readClaudeStream } from './claude-stream.js';

const root = '/repo';
const session = 'b42ae866-4fd1-434e-a835-3c9b21d3b4c2';
const lines = (...messages: object[]): string => messages.map((message) => `${JSON.stringify(message)}\n`).join('');

// The shapes of claude 2.1 `-p --output-format stream-json --verbose` (init and result as captured from the CLI).
const init = { type: 'system', subtype: 'init', cwd: root, session_id: session, tools: ['Bash', 'Edit'], model: 'claude-opus-4-8[1m]', permissionMode: 'acceptEdits', apiKeySource: 'none' };
const assistant = (id: string, content: object[], parent: string | null = null) => ({
  type: 'assistant',
  message: { id, type: 'message', role: 'assistant', model: 'claude-opus-4-8', content, usage: { input_tokens: 10, output_tokens: 5 } },
  parent_tool_use_id: parent,
  session_id: session,
});
const toolUse = (name: string, input: object) => ({ type: 'tool_use', id: `toolu_${name}`, name, input });
const toolResult = { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_Bash', content: 'ok' }] }, parent_tool_use_id: null, session_id: session };
const result = { type: 'result', subtype: 'success', is_error: false, duration_ms: 9000, num_turns: 4, result: 'Done', session_id: session, total_cost_usd: 0.1834 };

describe('describeClaudeTool', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['Edit', { file_path: '/repo/src/app.ts', old_string: 'a', new_string: 'b' }, 'Edit src/app.ts'],
    ['MultiEdit', { file_path: '/repo/src/app.ts', edits: [] }, 'MultiEdit src/app.ts'],
    ['Write', { file_path: '/tmp/notes.md', content: '…' }, 'Write /tmp/notes.md'],
    ['Read', { file_path: '/repo/README.md' }, 'Read README.md'],
    ['NotebookEdit', { notebook_path: '/repo/analysis.ipynb', new_source: '' }, 'NotebookEdit analysis.ipynb'],
    ['Bash', { command: 'npm test -- --ci\nnpm run lint', description: 'Run the tests' }, 'Bash npm test -- --ci'],
    ['Bash', { command: `echo ${'x'.repeat(100)}` }, `Bash echo ${'x'.repeat(54)}…`],
    ['Grep', { pattern: 'TODO\\(', path: '/repo/src' }, 'Grep TODO\\('],
    ['Glob', { pattern: 'src/**/*.spec.ts' }, 'Glob src/**/*.spec.ts'],
    ['WebFetch', { url: 'https://docs.anthropic.com/en/docs', prompt: 'Summarise' }, 'WebFetch https://docs.anthropic.com/en/docs'],
    ['WebSearch', { query: 'rxjs finalize order' }, 'WebSearch rxjs finalize order'],
    ['Task', { description: 'Review the diff', prompt: 'Look at …', subagent_type: 'general-purpose' }, 'Task Review the diff'],
    ['Agent', { description: 'Explore the tests' }, 'Agent Explore the tests'],
    ['TodoWrite', { todos: [] }, 'TodoWrite'],
    ['mcp__github__create_issue', { title: 'x' }, 'mcp__github__create_issue'],
    ['Edit', {}, 'Edit'],
    ['Bash', { command: 42 }, 'Bash'],
    ['toString', {}, 'toString'],
  ])('describes %s %j as %s', (name, input, expected) => {
    expect(describeClaudeTool(name, input, root)).toBe(expected);
  });
});

describe('readClaudeStream', () => {
  it('reads the model and session from init, a turn per message and the tool of each tool use, then the turns and cost of the result', () => {
    const reader = readClaudeStream(root);
    const stream = lines(
      init,
      assistant('msg_01', [{ type: 'text', text: "I'll run the tests." }]),
      assistant('msg_01', [toolUse('Bash', { command: 'npm test' })]),
      toolResult,
      assistant('msg_02', [toolUse('Edit', { file_path: '/repo/src/app.ts' })]),
      assistant('msg_03', [{ type: 'text', text: 'Done.' }]),
      result,
    );
    const known = { model: 'claude-opus-4-8[1m]', sessionId: session };
    expect(reader.take(stream)).toEqual([
      known,
      { ...known, turns: 1 },
      { ...known, turns: 1, tool: 'Bash npm test' },
      { ...known, turns: 2, tool: 'Edit src/app.ts' },
      { ...known, turns: 3, tool: 'Edit src/app.ts' },
      { ...known, turns: 4, tool: 'Edit src/app.ts', costUsd: 0.1834 },
    ]);
    expect(reader.end()).toEqual([]);
  });

  it('gives each tool of a message with several, and counts their message once', () => {
    const reader = readClaudeStream(root);
    const message = assistant('msg_01', [toolUse('Read', { file_path: '/repo/a.ts' }), toolUse('Read', { file_path: '/repo/b.ts' }), { type: 'text', text: 'Reading.' }]);
    expect(reader.take(lines(message))).toEqual([
      { turns: 1, tool: 'Read a.ts' },
      { turns: 1, tool: 'Read b.ts' },
    ]);
  });

  it("shows a subagent's tools without counting its messages as turns of the agent", () => {
    const reader = readClaudeStream(root);
    const stream = lines(
      assistant('msg_01', [toolUse('Task', { description: 'Find the flaky test' })]),
      assistant('msg_sub_1', [toolUse('Grep', { pattern: 'flaky' })], 'toolu_Task'),
      assistant('msg_sub_2', [{ type: 'text', text: 'Found it.' }], 'toolu_Task'),
    );
    expect(reader.take(stream)).toEqual([
      { turns: 1, tool: 'Task Find the flaky test' },
      { turns: 1, tool: 'Grep flaky' },
    ]);
  });

  it('reads a not-logged-in answer as the real CLI streams it, and a result that failed before it began', () => {
    const reader = readClaudeStream(root);
    const synthetic = { ...assistant('217be9f2-15a4-4272-8576-4a3b944fabb5', [{ type: 'text', text: 'Not logged in · Please run /login' }]), error: 'authentication_failed' };
    expect(reader.take(lines(init, synthetic, { type: 'result', subtype: 'success', is_error: true, num_turns: 1, session_id: session, total_cost_usd: 0 }))).toEqual([
      { model: 'claude-opus-4-8[1m]', sessionId: session },
      { model: 'claude-opus-4-8[1m]', sessionId: session, turns: 1 },
      { model: 'claude-opus-4-8[1m]', sessionId: session, turns: 1, costUsd: 0 },
    ]);
    const unknown = { type: 'result', subtype: 'error_during_execution', is_error: true, num_turns: 0, session_id: 'gone', total_cost_usd: 0, errors: ['No conversation found with session ID: gone'] };
    expect(readClaudeStream(root).take(lines(unknown))).toEqual([{ turns: 0, costUsd: 0, sessionId: 'gone' }]);
  });

  it('leaves out what a message does not say or says wrongly', () => {
    const reader = readClaudeStream(root);
    const stream = lines(
      { type: 'system', subtype: 'compact_boundary', session_id: 'other' },
      { type: 'system', subtype: 'init' },
      { type: 'assistant', message: { content: 'not a list' } },
      { type: 'assistant', message: { id: 'msg_01', content: [null, 'text', { type: 'tool_use', input: {} }] } },
      { type: 'stream_event', event: { type: 'content_block_delta' } },
      { type: 'result', num_turns: -1, total_cost_usd: -0.5 },
      { type: 'result', num_turns: 1.5, total_cost_usd: 'free' },
    );
    expect(reader.take(stream)).toEqual([{ turns: 1 }]);
  });
});
