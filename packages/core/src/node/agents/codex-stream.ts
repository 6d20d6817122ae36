import type { AgentProgress } from '../../schedule/ports.js';
import { asMessage, briefText, createProgressReader, describeTool, fieldsOf, projectPath, textOf } from './stream-progress.js';
import type { ProgressReader, StreamMessage } from './stream-progress.js';

// codex runs each command through a login shell: `bash -lc 'npm test'` (or `/bin/zsh -lc "…"`).
const SHELL_WRAPPER = /^(?:\S*\/)?(?:ba|z)?sh -l?c (['"])([\s\S]*)\1$/;

/** The command a codex `command_execution` ran, without the shell it was wrapped in. */
function unwrapShell(command: string): string {
  return SHELL_WRAPPER.exec(command.trim())?.[2] ?? command;
}

function describeChanges(changes: unknown, root: string): string | undefined {
  const paths = (Array.isArray(changes) ? (changes as unknown[]) : []).flatMap((change) => textOf(asMessage(change), 'path') ?? []);
  const [first] = paths;
  if (first === undefined) return undefined;
  return `${projectPath(first, root)}${paths.length > 1 ? ` (+${paths.length - 1} more)` : ''}`;
}

/**
 * What a codex thread item does, in a few words, or undefined for an item that is no tool use (a message, reasoning,
 * a to-do list): `shell <command>`, `edit <file> (+n more)`, `mcp <server>.<tool>`, `web_search <query>`.
 * @example
 * describeCodexItem({ type: 'command_execution', command: "bash -lc 'npm test'" }, '/repo'); // 'shell npm test'
 */
export function describeCodexItem(item: StreamMessage, root: string): string | undefined {
  // `item_type` in codex versions before 0.44.
  switch (textOf(item, 'type') ?? textOf(item, 'item_type')) {
    case 'command_execution': {
      const command = textOf(item, 'command');
      return describeTool('shell', command === undefined ? undefined : briefText(unwrapShell(command)));
    }
    case 'file_change':
      return describeTool('edit', describeChanges(item['changes'], root));
    case 'mcp_tool_call': {
      const call = [textOf(item, 'server'), textOf(item, 'tool')].filter((part) => part !== undefined).join('.');
      return describeTool('mcp', call);
    }
    case 'web_search': {
      const query = textOf(item, 'query');
      return describeTool('web_search', query === undefined ? undefined : briefText(query));
    }
    default:
      return undefined;
  }
}

/**
 * Reads the progress of `codex exec --json` from its stdout: the thread id as session (`thread.started`), a turn
 * per `turn.completed`, and the tool of each item as it starts (`item.started`, or `item.completed` for an item
 * that never said it started). codex reports neither its model nor a cost in this stream.
 * @example
 * readCodexStream('/repo').take('{"type":"thread.started","thread_id":"t1"}\n'); // [{ sessionId: 't1' }]
 */
export function readCodexStream(root: string): ProgressReader {
  let turns = 0;
  const started = new Set<string>();
  const itemSteps = (type: string, item: StreamMessage): AgentProgress[] => {
    const id = textOf(item, 'id');
    if (id !== undefined && started.has(id)) return [];
    if (id !== undefined && type === 'item.started') started.add(id);
    const tool = describeCodexItem(item, root);
    return tool === undefined ? [] : [{ tool }];
  };
  return createProgressReader((event) => {
    const type = event['type'];
    switch (type) {
      case 'thread.started': {
        const sessionId = textOf(event, 'thread_id');
        return sessionId === undefined ? [] : [{ sessionId }];
      }
      case 'turn.completed':
        turns += 1;
        return [{ turns }];
      case 'item.started':
      case 'item.completed':
        return itemSteps(type, fieldsOf(event, 'item'));
      default:
        return [];
    }
  });
}
