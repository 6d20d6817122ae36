import { describe, expect, it } from '@jest/globals';
import { describeCodexItem, readCodexStream } from './codex-stream.js';

const root = '/repo';
const lines = (...events: object[]): string => events.map((event) => `${JSON.stringify(event)}\n`).join('');

// The events of `codex exec --json` (codex-rs/exec/src/exec_events.rs): thread, turns, and items as they start and end.
const command = { id: 'item_1', type: 'command_execution', command: "bash -lc 'npm test'", aggregated_output: '', status: 'in_progress' };

describe('describeCodexItem', () => {
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['a command in its login shell', command, 'shell npm test'],
    ['a command in zsh by path, double-quoted', { type: 'command_execution', command: '/bin/zsh -lc "ls -la\nwc -l"' }, 'shell ls -la'],
    ['a bare command', { type: 'command_execution', command: 'git status' }, 'shell git status'],
    ['a command without its text', { type: 'command_execution' }, 'shell'],
    ['a file change', { type: 'file_change', changes: [{ path: '/repo/src/app.ts', kind: 'update' }], status: 'completed' }, 'edit src/app.ts'],
    ['a change of three files', { type: 'file_change', changes: [{ path: '/repo/a.ts', kind: 'add' }, { kind: 'delete' }, { path: '/repo/b.ts' }, { path: '/tmp/c.ts' }] }, 'edit a.ts (+2 more)'],
    ['a file change without paths', { type: 'file_change', changes: 'none' }, 'edit'],
    ['an MCP tool call', { type: 'mcp_tool_call', server: 'github', tool: 'create_issue', status: 'in_progress' }, 'mcp github.create_issue'],
    ['an MCP tool call without its server', { type: 'mcp_tool_call', tool: 'search' }, 'mcp search'],
    ['a web search', { type: 'web_search', query: 'tokio select cancel safety' }, 'web_search tokio select cancel safety'],
    ['a web search without its query', { type: 'web_search' }, 'web_search'],
    ['an item of codex before 0.44', { item_type: 'command_execution', command: 'cargo test' }, 'shell cargo test'],
    ['an agent message', { type: 'agent_message', text: 'Done.' }, undefined],
    ['reasoning', { type: 'reasoning', text: '…' }, undefined],
  ])('describes %s', (_case, item, expected) => {
    expect(describeCodexItem(item, root)).toBe(expected);
  });
});

describe('readCodexStream', () => {
  it('reads the thread as session, a turn per completed turn and the tool of each item as it starts', () => {
    const reader = readCodexStream(root);
    const stream = lines(
      { type: 'thread.started', thread_id: '0199a213-81c0-7800-8aa1-bbab2a035a53' },
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: 'Run the tests first.' } },
      { type: 'item.started', item: command },
      { type: 'item.started', item: { id: 'item_2', type: 'mcp_tool_call', server: 'docs', tool: 'lookup' } },
      { type: 'item.completed', item: { ...command, status: 'completed', exit_code: 0 } },
      { type: 'item.completed', item: { id: 'item_3', type: 'file_change', changes: [{ path: '/repo/src/app.ts', kind: 'update' }] } },
      { type: 'turn.completed', usage: { input_tokens: 1200, cached_input_tokens: 200, output_tokens: 345 } },
    );
    const sessionId = '0199a213-81c0-7800-8aa1-bbab2a035a53';
    expect(reader.take(stream)).toEqual([
      { sessionId },
      { sessionId, tool: 'shell npm test' },
      { sessionId, tool: 'mcp docs.lookup' },
      { sessionId, tool: 'edit src/app.ts' },
      { sessionId, tool: 'edit src/app.ts', turns: 1 },
    ]);
    expect(reader.take(lines({ type: 'turn.started' }, { type: 'turn.completed', usage: {} }))).toEqual([{ sessionId, tool: 'edit src/app.ts', turns: 2 }]);
  });

  it('ignores a failed turn, errors and events without what they should carry', () => {
    const reader = readCodexStream(root);
    const stream = lines(
      { type: 'thread.started' },
      { type: 'turn.failed', error: { message: 'stream disconnected' } },
      { type: 'error', message: 'Reconnecting... waiting for network' },
      { type: 'item.started' },
      { type: 'item.updated', item: { id: 'item_5', type: 'todo_list', items: [] } },
    );
    expect(reader.take(stream)).toEqual([]);
  });
});
