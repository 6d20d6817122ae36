#!/usr/bin/env node
// A stand-in for `claude -p`: parses the flags the real CLI 2.1 takes (refusing unknown ones and bad permission
// modes with the real CLI's words), honours --permission-mode, --allowedTools and --disallowedTools when the
// prompt asks it to edit a file or run a command, answers in --output-format json, text or stream-json (streamed
// as the real CLI does, a message at a time with small delays: init, assistant text, a tool_use per action and its
// user tool_result, the final text, the result), and records what it was given. The answer is chosen by
// FAKE_CLAUDE_MODE or a `mode:<name>` word in the prompt.
//   mode:success           read README.md and answer Done (the default)
//   mode:edit:<file>       write <file> (an edit: allowed by acceptEdits, bypassPermissions or an allowed Write)
//   mode:bash:<word>       run a command (allowed by bypassPermissions or an allowed Bash)
//   mode:slow[:<ms>]       succeed, waiting <ms> (200) between messages
//   mode:expensive[:<usd>] succeed at a cost of <usd> (2.5) US dollars
//   mode:too_long          answer `Prompt is too long` (the context is full)
//   mode:rate_limit, not_logged_in, is_error, max_turns, garbage, crash, verbose: the answers of those names
// Sessions: a fresh run issues `session-42`, or with FAKE_CLAUDE_STATE (a folder) `session-<phase>-<attempt>`, kept
// in <FAKE_CLAUDE_STATE>/sessions.txt with the folder it ran in. `--resume <id>` continues a session it issued in
// the same folder (without FAKE_CLAUDE_STATE: any id starting with `session-`) and answers any other id, or one
// issued in another folder, as the real CLI does (it keeps sessions per folder): `No conversation found with
// session ID: <id>`, exit 1. FAKE_CLAUDE_DELAY_MS sets the delay between streamed messages (5).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'];
const VALUED = new Set(['--output-format', '--max-turns', '--permission-mode', '--model', '--append-system-prompt', '--max-budget-usd', '--resume']);
const LISTS = new Set(['--allowedTools', '--disallowedTools']);
const TOOLS = ['Task', 'Bash', 'Edit', 'Glob', 'Grep', 'Read', 'Write', 'WebFetch', 'WebSearch'];
const READ_ONLY = new Set(['Read', 'Glob', 'Grep']);
const ANSWERS = ['success', 'edit', 'bash', 'slow', 'expensive', 'too_long', 'rate_limit', 'not_logged_in', 'is_error', 'max_turns', 'garbage', 'crash', 'verbose'];
// The `error` the real CLI puts on the assistant message of a failed answer.
const ERRORS = { not_logged_in: 'authentication_failed', rate_limit: 'rate_limit', too_long: 'invalid_request' };

const argv = process.argv.slice(2);
const flags = { '--allowedTools': [], '--disallowedTools': [] };
const positional = [];
let print = false;
let verbose = false;

function refuse(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

for (let index = 0; index < argv.length; index += 1) {
  const arg = argv[index] === '-r' ? '--resume' : argv[index];
  if (arg === '-p' || arg === '--print') print = true;
  else if (arg === '--verbose') verbose = true;
  else if (VALUED.has(arg)) flags[arg] = argv[++index];
  else if (LISTS.has(arg)) while (index + 1 < argv.length && !argv[index + 1].startsWith('-')) flags[arg].push(argv[++index]);
  else if (arg.startsWith('-')) refuse(`error: unknown option '${arg}'`);
  else positional.push(arg);
}

const mode = flags['--permission-mode'] ?? 'default';
if (!MODES.includes(mode)) refuse(`error: option '--permission-mode <mode>' argument '${mode}' is invalid. Allowed choices are ${MODES.join(', ')}.`);
const format = flags['--output-format'] ?? 'text';
if (format === 'stream-json' && !verbose) refuse('Error: When using --print, --output-format=stream-json requires --verbose');

const stdin = readFileSync(0, 'utf8');
const prompt = stdin !== '' ? stdin : (positional[0] ?? '');
if (!print) refuse('fake claude: only print mode (-p) is played');
const answer = process.env.FAKE_CLAUDE_MODE ?? /\bmode:([a-z_]+(?::\S+)?)/.exec(prompt)?.[1] ?? 'success';
const resume = flags['--resume'];
const [kind, detail] = answer.split(':');
if (!ANSWERS.includes(kind)) refuse(`fake claude: unknown mode ${answer}`);

if (process.env.FAKE_CLAUDE_RECORD !== undefined) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('HYPERVISOR_')));
  // `{phase}` in the path keeps one record per phase.
  const path = process.env.FAKE_CLAUDE_RECORD.replace('{phase}', process.env.HYPERVISOR_PHASE_ID ?? 'none');
  writeFileSync(path, JSON.stringify({ argv, stdin, cwd: process.cwd(), env, resume: resume ?? null }));
}

const state = process.env.FAKE_CLAUDE_STATE;
const sessions = state === undefined ? undefined : join(state, 'sessions.txt');
const issued = () => (sessions !== undefined && existsSync(sessions) ? readFileSync(sessions, 'utf8').split('\n').filter((line) => line !== '') : []);
const knows = (id) => (sessions === undefined ? id.startsWith('session-') : issued().includes(`${id}\t${process.cwd()}`));

if (resume !== undefined && !knows(resume)) {
  const said = `No conversation found with session ID: ${resume}`;
  if (format === 'stream-json') {
    const result = { type: 'result', subtype: 'error_during_execution', duration_ms: 0, is_error: true, num_turns: 0, session_id: resume, total_cost_usd: 0 };
    process.stdout.write(`${JSON.stringify({ ...result, permission_denials: [], errors: [said] })}\n`);
  }
  refuse(said);
}

const sessionId = resume ?? (sessions === undefined ? 'session-42' : `session-${process.env.HYPERVISOR_PHASE_ID ?? 'none'}-${process.env.HYPERVISOR_ATTEMPT ?? process.pid}`);
if (resume === undefined && sessions !== undefined) appendFileSync(sessions, `${sessionId}\t${process.cwd()}\n`);

const allowed = (tool) => flags['--allowedTools'].some((entry) => entry.split(',').some((name) => name === tool || name.startsWith(`${tool}(`)));
const disallowed = (tool) => flags['--disallowedTools'].some((entry) => entry.split(',').includes(tool));
const may = (tool) => !disallowed(tool) && (mode === 'bypassPermissions' || allowed(tool) || READ_ONLY.has(tool) || (tool !== 'Bash' && mode === 'acceptEdits'));

const model = flags['--model'] ?? 'claude-sonnet-5';
const delay = kind === 'slow' ? Number(detail ?? 200) : Number(process.env.FAKE_CLAUDE_DELAY_MS ?? 5);
const base = { type: 'result', duration_ms: 1234, session_id: sessionId, total_cost_usd: 0.0123, permission_denials: [] };
let code = 0;
let result = { subtype: 'success', is_error: false, num_turns: 3, result: 'Done' };
let turn = 0;
let toolUses = 0;

async function send(message) {
  if (format === 'stream-json') process.stdout.write(`${JSON.stringify(message)}\n`);
  await sleep(delay);
}

function assistant(content, extra = {}) {
  turn += 1;
  const usage = { input_tokens: 120 * turn, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const message = { id: `msg_${String(turn).padStart(2, '0')}`, type: 'message', role: 'assistant', model, content, stop_reason: null, usage };
  return send({ type: 'assistant', message, parent_tool_use_id: null, session_id: sessionId, ...extra });
}

async function use(tool, input, act) {
  const id = `toolu_${String((toolUses += 1)).padStart(2, '0')}`;
  await assistant([{ type: 'tool_use', id, name: tool, input }]);
  let said;
  if (may(tool)) said = act();
  else {
    base.permission_denials.push({ tool_name: tool, tool_use_id: id, tool_input: input });
    result = { ...result, result: `I was not allowed to use ${tool}.` };
    said = `Claude requested permissions to use ${tool}, but you haven't granted it yet.`;
  }
  const block = { type: 'tool_result', tool_use_id: id, content: said, ...(may(tool) ? {} : { is_error: true }) };
  await send({ type: 'user', message: { role: 'user', content: [block] }, parent_tool_use_id: null, session_id: sessionId });
}

process.stderr.write('fake claude: working\n');
switch (kind) {
  case 'garbage':
    process.stdout.write('this is not { json\n');
    process.exit(0);
    break;
  case 'crash':
    process.stderr.write('TypeError: cannot read properties of undefined\n');
    process.exit(1);
    break;
  case 'verbose':
    process.stdout.write(`${JSON.stringify([{ type: 'system', subtype: 'init' }, { ...base, subtype: 'success', is_error: false, num_turns: 2, result: 'ok' }])}\n`);
    process.exit(0);
    break;
}

const tools = TOOLS.filter((tool) => !disallowed(tool));
await send({ type: 'system', subtype: 'init', cwd: process.cwd(), session_id: sessionId, tools, mcp_servers: [], model, permissionMode: mode, apiKeySource: 'none' });
switch (kind) {
  case 'success':
  case 'slow':
  case 'expensive':
    await assistant([{ type: 'text', text: "I'll look at the project first." }]);
    if (may('Read')) await use('Read', { file_path: resolve('README.md') }, () => '1\t# A project');
    if (kind === 'expensive') base.total_cost_usd = Number(detail ?? 2.5);
    break;
  case 'edit':
    await assistant([{ type: 'text', text: `I'll write ${detail}.` }]);
    await use('Write', { file_path: resolve(detail), content: `written by fake claude (${mode})\n` }, () => {
      writeFileSync(detail, `written by fake claude (${mode})\n`);
      return `File created successfully at: ${resolve(detail)}`;
    });
    break;
  case 'bash':
    await assistant([{ type: 'text', text: `I'll run ${detail}.` }]);
    await use('Bash', { command: detail, description: `Run ${detail}` }, () => {
      process.stderr.write(`ran ${detail}\n`);
      return `ran ${detail}`;
    });
    break;
  case 'not_logged_in':
    result = { subtype: 'success', is_error: true, num_turns: 1, result: 'Not logged in · Please run /login' };
    base.total_cost_usd = 0;
    code = 1;
    break;
  case 'is_error':
    result = { subtype: 'success', is_error: true, num_turns: 1, result: 'The tool failed' };
    code = 1;
    break;
  case 'max_turns':
    result = { subtype: 'error_max_turns', is_error: true, num_turns: Number(flags['--max-turns']) };
    code = 1;
    break;
  case 'rate_limit':
    result = { subtype: 'success', is_error: true, num_turns: 1, result: `Claude AI usage limit reached|${process.env.FAKE_CLAUDE_RESET ?? '1750708800'}` };
    code = 1;
    break;
  case 'too_long':
    result = { subtype: 'success', is_error: true, num_turns: 1, result: 'Prompt is too long' };
    base.total_cost_usd = 0;
    code = 1;
    break;
}
if (model === 'no-such-model') {
  result = { subtype: 'success', is_error: true, num_turns: 1, result: `There's an issue with the selected model (${model}). It may not exist or you may not have access to it.` };
  code = 1;
}

const final = { ...base, ...result };
await assistant([{ type: 'text', text: final.result ?? 'I stopped.' }], kind in ERRORS ? { error: ERRORS[kind] } : {});
if (format === 'stream-json' || format === 'json') process.stdout.write(`${JSON.stringify(final)}\n`);
else process.stdout.write(`${final.result ?? ''}\n`);
process.exitCode = code;
