#!/usr/bin/env node
// A stand-in for `claude -p … --output-format json`: answers with the result shapes the real CLI prints,
// chosen by FAKE_CLAUDE_MODE or by a `mode:<name>` word in the prompt, and records what it was given.
import { readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const stdin = readFileSync(0, 'utf8');
const flag = argv.indexOf('-p');
const prompt = stdin !== '' ? stdin : (argv[flag + 1] ?? '');
const mode = process.env.FAKE_CLAUDE_MODE ?? /\bmode:([a-z_]+)/.exec(prompt)?.[1] ?? 'success';

if (process.env.FAKE_CLAUDE_RECORD !== undefined) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('HYPERVISOR_')));
  writeFileSync(process.env.FAKE_CLAUDE_RECORD, JSON.stringify({ argv, stdin, cwd: process.cwd(), env }));
}

const base = { type: 'result', duration_ms: 1234, duration_api_ms: 1000, session_id: 'session-42', total_cost_usd: 0.0123 };
const answer = (fields, code) => {
  process.stdout.write(`${JSON.stringify({ ...base, ...fields })}\n`);
  process.exitCode = code;
};

process.stderr.write('fake claude: working\n');
switch (mode) {
  case 'success':
    answer({ subtype: 'success', is_error: false, num_turns: 3, result: 'Done' }, 0);
    break;
  case 'is_error':
    answer({ subtype: 'success', is_error: true, num_turns: 1, result: 'The tool failed' }, 1);
    break;
  case 'max_turns':
    answer({ subtype: 'error_max_turns', is_error: true, num_turns: Number(argv[argv.indexOf('--max-turns') + 1]) }, 1);
    break;
  case 'rate_limit':
    answer({ subtype: 'success', is_error: true, num_turns: 1, result: `Claude AI usage limit reached|${process.env.FAKE_CLAUDE_RESET ?? '1750708800'}` }, 1);
    break;
  case 'verbose':
    process.stdout.write(`${JSON.stringify([{ type: 'system', subtype: 'init' }, { ...base, subtype: 'success', is_error: false, num_turns: 2, result: 'ok' }])}\n`);
    break;
  case 'garbage':
    process.stdout.write('this is not { json\n');
    break;
  case 'crash':
    process.stderr.write('TypeError: cannot read properties of undefined\n');
    process.exitCode = 1;
    break;
  default:
    process.stderr.write(`fake claude: unknown mode ${mode}\n`);
    process.exitCode = 64;
}
