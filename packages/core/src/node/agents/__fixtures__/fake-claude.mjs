#!/usr/bin/env node
// A stand-in for `claude -p`: parses the flags the real CLI 2.1 takes (refusing unknown ones and bad permission
// modes with the real CLI's words), honours --permission-mode, --allowedTools and --disallowedTools when the
// prompt asks it to edit a file or run a command, answers in --output-format json or stream-json, and records
// what it was given. The answer is chosen by FAKE_CLAUDE_MODE or a `mode:<name>` word in the prompt.
//   mode:edit:<file>   write <file> (an edit: allowed by acceptEdits, bypassPermissions or an allowed Write)
//   mode:bash:<word>   run a command (allowed by bypassPermissions or an allowed Bash)
import { readFileSync, writeFileSync } from 'node:fs';

const MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'];
const VALUED = new Set(['--output-format', '--max-turns', '--permission-mode', '--model', '--append-system-prompt', '--max-budget-usd']);
const LISTS = new Set(['--allowedTools', '--disallowedTools']);
const TOOLS = ['Task', 'Bash', 'Edit', 'Read', 'Write', 'WebFetch', 'WebSearch'];

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
  const arg = argv[index];
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

if (process.env.FAKE_CLAUDE_RECORD !== undefined) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('HYPERVISOR_')));
  // `{phase}` in the path keeps one record per phase.
  const path = process.env.FAKE_CLAUDE_RECORD.replace('{phase}', process.env.HYPERVISOR_PHASE_ID ?? 'none');
  writeFileSync(path, JSON.stringify({ argv, stdin, cwd: process.cwd(), env }));
}

const allowed = (tool) => flags['--allowedTools'].some((entry) => entry.split(',').some((name) => name === tool || name.startsWith(`${tool}(`)));
const disallowed = (tool) => flags['--disallowedTools'].some((entry) => entry.split(',').includes(tool));
const may = (tool) => !disallowed(tool) && (mode === 'bypassPermissions' || allowed(tool) || (tool !== 'Bash' && mode === 'acceptEdits'));

const model = flags['--model'] ?? 'claude-sonnet-5';
const base = { type: 'result', duration_ms: 1234, session_id: 'session-42', total_cost_usd: 0.0123, permission_denials: [] };
let code = 0;
let result = { subtype: 'success', is_error: false, num_turns: 3, result: 'Done' };

function use(tool, act) {
  if (may(tool)) return act();
  base.permission_denials.push({ tool_name: tool, tool_use_id: `toolu_${base.permission_denials.length + 1}`, tool_input: {} });
  result = { ...result, result: `I was not allowed to use ${tool}.` };
}

const [kind, detail] = answer.split(':');
process.stderr.write('fake claude: working\n');
switch (kind) {
  case 'success':
    break;
  case 'edit':
    use('Write', () => writeFileSync(detail, `written by fake claude (${mode})\n`));
    break;
  case 'bash':
    use('Bash', () => process.stderr.write(`ran ${detail}\n`));
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
  default:
    refuse(`fake claude: unknown mode ${answer}`);
}
if (model === 'no-such-model') {
  result = { subtype: 'success', is_error: true, num_turns: 1, result: `There's an issue with the selected model (${model}). It may not exist or you may not have access to it.` };
  code = 1;
}

const final = { ...base, ...result };
if (format === 'stream-json') {
  const tools = TOOLS.filter((tool) => !disallowed(tool));
  process.stdout.write(`${JSON.stringify({ type: 'system', subtype: 'init', session_id: base.session_id, tools, model, permissionMode: mode })}\n`);
  process.stdout.write(`${JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: final.result ?? '' }] }, session_id: base.session_id })}\n`);
  process.stdout.write(`${JSON.stringify(final)}\n`);
} else if (format === 'json') {
  process.stdout.write(`${JSON.stringify(final)}\n`);
} else {
  process.stdout.write(`${final.result ?? ''}\n`);
}
process.exitCode = code;
