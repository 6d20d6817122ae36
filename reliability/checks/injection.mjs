// Injection: titles and prompts full of shell syntax reach a fake agent verbatim; nothing is interpreted or written outside the root.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeTempDir, phaseFile, runCli } from '../lib.mjs';

const NASTY = [
  '$(touch pwned)',
  '`touch pwned`',
  'x; touch pwned; echo',
  '../../x && touch ../../pwned',
  'line one\ntouch pwned\n$(touch pwned2)',
  '-rf --output=../../pwned',
  "' \" \\ | & > pwned < /etc/passwd ${HOME} $((1+1))",
];

/** A stand-in for `claude`: records its argv and stdin, answers like `claude -p --output-format json`. */
const FAKE_AGENT = `#!/usr/bin/env node
const { appendFileSync } = require('node:fs');
const chunks = [];
const finish = () => {
  appendFileSync(process.env.FAKE_AGENT_RECORD, JSON.stringify({ phase: process.env.HYPERVISOR_PHASE_ID, argv: process.argv.slice(2), stdin: Buffer.concat(chunks).toString() }) + '\\n');
  process.stdout.write(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0, session_id: 'fake', result: 'done' }));
};
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', finish);
process.stdin.on('error', finish);
`;

function listFiles(dir, skip) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === skip) continue;
    if (entry.isDirectory()) out.push(...listFiles(path, skip));
    else out.push(path);
  }
  return out;
}

export async function checkInjection(report) {
  const temp = makeTempDir('injection');
  const sandbox = temp.path;
  const root = join(sandbox, 'a', 'b', 'root');
  const plan = join(sandbox, 'plan');
  const bin = join(sandbox, 'bin');
  const record = join(sandbox, 'record.jsonl');
  try {
    for (const dir of [root, plan, bin]) mkdirSync(dir, { recursive: true });
    writeFileSync(join(bin, 'claude'), FAKE_AGENT);
    chmodSync(join(bin, 'claude'), 0o755);
    NASTY.forEach((text, index) => {
      const id = index + 1;
      writeFileSync(join(plan, `phase-${id}.md`), phaseFile({ phase: id, title: text, parallel_group: 'all', recovery_plan: text }, text));
    });
    const before = listFiles(sandbox, root);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_AGENT_RECORD: record };
    const result = await runCli(['run', plan, '--agent', 'claude', '--mode', 'parallel', '-j', '4', '--root', root, '--retries', '0', '--no-history'], { env, cwd: sandbox, timeoutMs: 60_000 });
    const problems = [];
    if (result.code !== 0) problems.push(`run exited ${result.code}: ${result.stderr.slice(0, 300)}`);
    const calls = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
    if (calls.length !== NASTY.length) problems.push(`the fake agent ran ${calls.length} times, expected ${NASTY.length}`);
    for (const call of calls) {
      const text = NASTY[Number(call.phase) - 1];
      const handed = [...call.argv, call.stdin];
      if (!handed.some((arg) => arg.includes(text))) problems.push(`phase ${call.phase}: the prompt did not arrive verbatim: ${JSON.stringify(handed).slice(0, 200)}`);
    }
    const created = listFiles(sandbox, root).filter((file) => !before.includes(file) && file !== record);
    if (created.length > 0) problems.push(`files created outside the project root: ${created.map((file) => relative(sandbox, file)).join(', ')}`);
    const pwned = listFiles(sandbox, null).filter((file) => /pwned|\/x$/.test(file));
    if (pwned.length > 0) problems.push(`interpreted: ${pwned.map((file) => relative(sandbox, file)).join(', ')}`);
    if (existsSync(join(process.cwd(), 'pwned'))) problems.push('pwned created in the current directory');
    report.expect(`injection: ${NASTY.length} prompts/titles with $(), backticks, ;, ../, newlines reach a fake claude verbatim; nothing created outside the root`, problems);
  } finally {
    temp.remove();
  }
}
