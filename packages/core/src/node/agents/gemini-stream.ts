import { createProgressReader, describeToolCall, fieldsOf, initProgress, textOf } from './stream-progress.js';
import type { ProgressReader, StreamMessage } from './stream-progress.js';

/** The tools whose main argument is a file or folder, and the parameters that name it (older versions first used `absolute_path`, `path`). */
const FILE_TOOLS: ReadonlySet<string> = new Set(['read_file', 'write_file', 'replace', 'list_directory']);
const PATH_PARAMETERS = ['file_path', 'dir_path', 'absolute_path', 'path'] as const;

/** The parameter that says what each other tool works on (`search_file_content` is the older name of `grep_search`). */
const MAIN_PARAMETER: Readonly<Record<string, string>> = {
  run_shell_command: 'command',
  glob: 'pattern',
  grep_search: 'pattern',
  search_file_content: 'pattern',
  google_web_search: 'query',
  web_fetch: 'prompt',
};

/**
 * What a gemini tool call does, in a few words: the tool's own name and its main parameter (a file relative to the
 * project root, the first line of a command, a pattern, a query), or the name alone.
 * @example
 * describeGeminiTool('run_shell_command', { command: 'npm test' }, '/repo'); // 'run_shell_command npm test'
 */
export function describeGeminiTool(name: string, parameters: StreamMessage, root: string): string {
  return describeToolCall({ fileTools: FILE_TOOLS, pathKeys: PATH_PARAMETERS, mainArgument: MAIN_PARAMETER }, name, parameters, root);
}

/**
 * Reads the progress of `gemini -o stream-json` from its stdout: the model and session of its `init` event and the
 * tool of each `tool_use` event (see {@link describeGeminiTool}). Its `result.stats` count tokens and tool calls but
 * neither turns nor cost, so gemini reports no turns and no cost.
 * @example
 * readGeminiStream('/repo').take('{"type":"tool_use","tool_name":"read_file","parameters":{"file_path":"/repo/a.ts"}}\n');
 * // [{ tool: 'read_file a.ts' }]
 */
export function readGeminiStream(root: string): ProgressReader {
  return createProgressReader((event) => {
    switch (event['type']) {
      case 'init':
        return [initProgress(event)];
      case 'tool_use': {
        const name = textOf(event, 'tool_name');
        return name === undefined ? [] : [{ tool: describeGeminiTool(name, fieldsOf(event, 'parameters'), root) }];
      }
      default:
        return [];
    }
  });
}
