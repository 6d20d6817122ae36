import type { AgentProgress } from '../../schedule/ports.js';
import { asMessage, createProgressReader, describeToolCall, fieldsOf, initProgress, textOf } from './stream-progress.js';
import type { ProgressReader, StreamMessage } from './stream-progress.js';

/** The tools whose main argument is the file they work on. */
const FILE_TOOLS: ReadonlySet<string> = new Set(['Edit', 'MultiEdit', 'Write', 'Read', 'NotebookEdit']);

/** The input field that says what each other tool works on (`Agent` is the newer name of `Task`). */
const MAIN_ARGUMENT: Readonly<Record<string, string>> = {
  Bash: 'command',
  Grep: 'pattern',
  Glob: 'pattern',
  WebFetch: 'url',
  WebSearch: 'query',
  Task: 'description',
  Agent: 'description',
};

/**
 * What a claude tool use does, in a few words: the tool's name and its main argument (a file relative to the
 * project root, the first line of a command, a pattern, a URL, a task's description), or the name alone.
 * @example
 * describeClaudeTool('Edit', { file_path: '/repo/src/app.ts' }, '/repo'); // 'Edit src/app.ts'
 * describeClaudeTool('Bash', { command: 'npm test\nnpm run lint' }, '/repo'); // 'Bash npm test'
 */
export function describeClaudeTool(name: string, input: StreamMessage, root: string): string {
  return describeToolCall({ fileTools: FILE_TOOLS, pathKeys: ['file_path', 'notebook_path'], mainArgument: MAIN_ARGUMENT }, name, input, root);
}

function resultStep(message: StreamMessage): AgentProgress {
  const { num_turns: turns, total_cost_usd: costUsd } = message;
  const sessionId = textOf(message, 'session_id');
  return {
    ...(Number.isInteger(turns) && (turns as number) >= 0 ? { turns: turns as number } : {}),
    ...(typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd >= 0 ? { costUsd } : {}),
    ...(sessionId === undefined ? {} : { sessionId }),
  };
}

function toolsOf(content: unknown, root: string): string[] {
  if (!Array.isArray(content)) return [];
  return (content as unknown[]).flatMap((block) => {
    const fields = asMessage(block);
    const name = textOf(fields, 'name');
    return fields['type'] === 'tool_use' && name !== undefined ? [describeClaudeTool(name, fieldsOf(fields, 'input'), root)] : [];
  });
}

/**
 * Reads the progress of `claude -p --output-format stream-json --verbose` from its stdout: the model and session
 * from the `init` message; a turn for each distinct assistant message (by `message.id`, the agent's own, not a
 * subagent's) and the tool of each `tool_use` block (see {@link describeClaudeTool}); the turns, cost and session
 * of the final `result`. Each progress is everything known so far.
 * @example
 * const reader = readClaudeStream('/repo');
 * reader.take('{"type":"system","subtype":"init","model":"claude-sonnet-4-5","session_id":"s1"}\n');
 * // [{ model: 'claude-sonnet-4-5', sessionId: 's1' }]
 */
export function readClaudeStream(root: string): ProgressReader {
  const turns = new Set<string>();
  const assistantSteps = (message: StreamMessage): AgentProgress[] => {
    const inner = fieldsOf(message, 'message');
    const id = textOf(inner, 'id');
    const own = message['parent_tool_use_id'] === undefined || message['parent_tool_use_id'] === null;
    if (own && id !== undefined) turns.add(id);
    const counted = turns.size === 0 ? {} : { turns: turns.size };
    const tools = toolsOf(inner['content'], root);
    return tools.length === 0 ? [counted] : tools.map((tool, index) => (index === 0 ? { ...counted, tool } : { tool }));
  };
  return createProgressReader((message) => {
    switch (message['type']) {
      case 'system':
        return message['subtype'] === 'init' ? [initProgress(message)] : [];
      case 'assistant':
        return assistantSteps(message);
      case 'result':
        return [resultStep(message)];
      default:
        return [];
    }
  });
}
