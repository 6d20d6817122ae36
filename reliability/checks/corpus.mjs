// Bad input corpus: broken plans and checkpoints give exit 2 and one stderr line naming the file; never a stack or a hang.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCheckpoint } from '@kazuba/toon';
import { REPO, makeTempDir, oneLineNaming, phaseFile, runCli, runProcess } from '../lib.mjs';

const HANG_MS = 20_000;
const ok = (id, extra = {}) => phaseFile({ phase: id, title: `phase ${id}`, ...extra });

/** Broken plans: name → files of the plan folder. */
function brokenPlans() {
  const deep = 'x: ' + '['.repeat(5000) + ']'.repeat(5000);
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i += 1) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  return {
    'malformed YAML': { 'p1.md': '---\nphase: [1\ntitle: x\n---\nbody\n' },
    'unclosed front matter': { 'p1.md': '---\nphase: 1\ntitle: never closed\nbody without end\n' },
    'two-phase cycle': { 'p1.md': ok(1, { depends_on: [2] }), 'p2.md': ok(2, { depends_on: [1] }) },
    'three-phase cycle': { 'p1.md': ok(1, { depends_on: [3] }), 'p2.md': ok(2, { depends_on: [1] }), 'p3.md': ok(3, { depends_on: [2] }) },
    'missing phase id': { 'p1.md': ok(1), 'p2.md': '---\ntitle: no id\ndepends_on: [1]\n---\nbody\n' },
    'duplicate ids': { 'p1.md': ok(1), 'p2.md': ok(1) },
    'id is a string': { 'p1.md': '---\nphase: "one"\n---\nbody\n' },
    'id is negative': { 'p1.md': '---\nphase: -1\n---\nbody\n' },
    'id is fractional': { 'p1.md': '---\nphase: 1.5\n---\nbody\n' },
    'depends_on is a string': { 'p1.md': ok(1), 'p2.md': '---\nphase: 2\ndepends_on: "1"\n---\nbody\n' },
    'self-dependency': { 'p1.md': ok(1, { depends_on: [1] }) },
    'unknown dependency': { 'p1.md': ok(1, { depends_on: [99] }) },
    'effort out of range': { 'p1.md': '---\nphase: 1\neffort: XXL\n---\nbody\n' },
    'title is a map': { 'p1.md': '---\nphase: 1\ntitle: {a: 1}\n---\nbody\n' },
    'front matter is a list': { 'p1.md': '---\n- phase: 1\n---\nbody\n' },
    'duplicate YAML key': { 'p1.md': '---\nphase: 1\nphase: 2\n---\nbody\n' },
    'tab indentation': { 'p1.md': '---\nphase: 1\ncross_refs:\n\t- file: a\n---\nbody\n' },
    'deeply nested YAML': { 'p1.md': `---\nphase: 1\n${deep}\n---\nbody\n` },
    'YAML alias bomb': { 'p1.md': `---\nphase: 1\n${bomb.join('\n')}\n---\nbody\n` },
    // The plan loader has no size limit: these two may load (exit 0), but must not hang or crash.
    'huge phase file (17 MiB)': { 'p1.md': `---\nphase: 1\n---\n${'x'.repeat(17 * 1024 * 1024)}\n` },
    'binary garbage with a phase field': { 'p1.md': Buffer.concat([Buffer.from('---\nphase: 1\nrun: \x00\xff\xfe'), Buffer.from([0, 1, 2, 0xc3, 0x28]), Buffer.from('\n---\n')]) },
  };
}

/** Valid checkpoint bytes in each format. */
function validCheckpoints() {
  const value = {
    kind: 'kazuba.hypervisor.phase', schema_version: 1, phase_id: 3, phase_title: 'corpus', status: 'success', attempts: 1,
    started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:01.000Z', duration_ms: 1000,
    phase_hash: `sha256:${'a'.repeat(64)}`, hypervisor_version: '0.1.0', agent: { profile: 'shell', exit_code: 0 },
  };
  return Object.fromEntries(['toon', 'kazuba', 'msgpack', 'json'].map((format) => [format, Buffer.from(encodeCheckpoint(value, { format }))]));
}

function flipBits(bytes, seed) {
  const copy = Buffer.from(bytes);
  for (let k = 0; k < 3; k += 1) {
    const at = (seed * 2654435761 + k * 40503) % copy.length;
    copy[at] ^= 1 << ((seed + k) % 8);
  }
  return copy;
}

function nestedMsgpack(depth) {
  return Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);
}

/** Broken checkpoints: name → { bytes, mustFail } (a mutation that still decodes may exit 0). */
function brokenCheckpoints() {
  const valid = validCheckpoints();
  const cases = {};
  for (const [format, bytes] of Object.entries(valid)) {
    cases[`${format}: truncated to half`] = { bytes: bytes.subarray(0, Math.floor(bytes.length / 2)), mustFail: true };
    // Five bytes of TOON text (`kind:`) are a valid document.
    cases[`${format}: truncated to 5 bytes`] = { bytes: bytes.subarray(0, 5), mustFail: format !== 'toon' };
    for (const seed of [1, 2, 3]) cases[`${format}: bit-flipped (seed ${seed})`] = { bytes: flipBits(bytes, seed), mustFail: false };
  }
  const huge = Buffer.from(`{"a":"${'x'.repeat(17 * 1024 * 1024)}"}`);
  Object.assign(cases, {
    'empty file': { bytes: Buffer.alloc(0), mustFail: false },
    'json: huge (17 MiB)': { bytes: huge, mustFail: true },
    'toon: huge (17 MiB)': { bytes: Buffer.from(`a: ${'x'.repeat(17 * 1024 * 1024)}\n`), mustFail: true },
    'json: nested 100000 deep': { bytes: Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), mustFail: true },
    'toon: nested 1000 deep': { bytes: Buffer.from(Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n'), mustFail: true },
    'msgpack: nested 100000 deep': { bytes: nestedMsgpack(100_000), mustFail: true },
    'kazuba: nested 100000 deep': { bytes: Buffer.concat([Buffer.from('TOON\x01'), nestedMsgpack(100_000)]), mustFail: true },
    'kazuba: unknown version byte': { bytes: Buffer.concat([Buffer.from('TOON\x09'), valid.kazuba.subarray(5)]), mustFail: true },
    'kazuba: trailing garbage': { bytes: Buffer.concat([valid.kazuba, Buffer.from([0xc1, 0xc1])]), mustFail: false },
    'json: __proto__ key': { bytes: Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'), mustFail: false },
    'toon: __proto__ key': { bytes: Buffer.from('__proto__:\n  polluted: 1\nconstructor:\n  prototype:\n    polluted: 1\n'), mustFail: false },
    'msgpack: __proto__ key': { bytes: Buffer.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa8, ...Buffer.from('polluted'), 0x01]), mustFail: false },
  });
  return cases;
}

const POLLUTION_PROBE = `
import { readFileSync } from 'node:fs';
import { decodeCheckpoint } from '@kazuba/toon';
let decoded = false;
try { const { value } = decodeCheckpoint(readFileSync(process.argv[1])); decoded = true; JSON.stringify(value); } catch {}
const polluted = ({}).polluted !== undefined || Object.prototype.polluted !== undefined;
console.log(JSON.stringify({ decoded, polluted }));
`;

async function probe(file) {
  const result = await runProcess(process.execPath, ['--input-type=module', '-e', POLLUTION_PROBE, file], { cwd: REPO, timeoutMs: HANG_MS });
  if (result.code !== 0) return { decoded: false, polluted: false, error: result.stderr.slice(0, 200) };
  return JSON.parse(result.stdout.trim());
}

async function inPool(items, size, work) {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => {
    while (queue.length > 0) await work(queue.shift());
  }));
}

export async function checkCorpus(report) {
  const temp = makeTempDir('corpus');
  const started = performance.now();
  let count = 0;
  try {
    const plans = Object.entries(brokenPlans());
    await inPool(plans, 6, async ([name, files]) => {
      const dir = join(temp.path, `plan-${name.replace(/\W+/g, '-')}`);
      mkdirSync(dir);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      for (const command of ['plan', 'status']) {
        count += 1;
        const result = await runCli([command, dir, '--root', temp.path].slice(0, command === 'plan' ? 2 : 4), { timeoutMs: HANG_MS });
        const problems = result.timedOut ? [`no answer within ${HANG_MS} ms`] : [];
        const mayLoad = name.startsWith('huge') || name.startsWith('binary');
        if (mayLoad && result.code === 0 && !result.timedOut) {
          report.ok(`corpus: hypervisor ${command} on a plan with ${name} → loads (no size limit), no hang`);
          continue;
        }
        if (result.code !== 2) problems.push(`exit ${result.code}, expected 2`);
        // plan and status name the offending file relative to the plan folder (e.g. `p1.md:3: ...`).
        const named = Object.keys(files).find((file) => result.stderr.includes(file)) ?? dir;
        problems.push(...oneLineNaming(result.stderr, named));
        report.expect(`corpus: hypervisor ${command} on a plan with ${name} → exit 2, one line`, problems);
      }
    });
    const checkpoints = Object.entries(brokenCheckpoints());
    await inPool(checkpoints, 6, async ([name, { bytes, mustFail }]) => {
      count += 1;
      const file = join(temp.path, `${name.replace(/\W+/g, '-')}.toon`);
      writeFileSync(file, bytes);
      const result = await runCli(['checkpoint', 'show', file], { timeoutMs: HANG_MS });
      const problems = result.timedOut ? [`no answer within ${HANG_MS} ms`] : [];
      const seen = await probe(file);
      if (seen.polluted) problems.push('decoding it polluted Object.prototype');
      if (seen.error !== undefined) problems.push(`the pollution probe failed: ${seen.error}`);
      if (result.code === 2) problems.push(...oneLineNaming(result.stderr, file));
      else if (result.code === 0 && (mustFail || !seen.decoded)) problems.push(`exit 0 for input that ${mustFail ? 'must be rejected' : 'does not decode'}`);
      else if (result.code !== 0) problems.push(`exit ${result.code}, expected 2${mustFail ? '' : ' or 0'}: ${result.stderr.slice(0, 200)}`);
      if (/^\s{4}at /m.test(result.stderr)) problems.push('stack trace on stderr');
      const outcome = result.code === 0 ? 'decodes: exit 0, no pollution' : 'exit 2, one line';
      report.expect(`corpus: checkpoint show on ${name} → ${outcome}`, problems);
    });
    // status keeps exit 0 for an unreadable checkpoint by design (its help says so): it must name the file.
    const dir = join(temp.path, 'status-plan');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1.md'), ok(1, { checkpoint: 'bad.toon' }));
    writeFileSync(join(temp.path, 'bad.toon'), Buffer.from('TOON\x01\xc1\xc1'));
    const status = await runCli(['status', dir, '--root', temp.path], { timeoutMs: HANG_MS });
    const problems = status.code === 0 ? [] : [`exit ${status.code}`];
    if (!status.stdout.includes(join(temp.path, 'bad.toon'))) problems.push('the unreadable checkpoint is not named');
    if (/^\s{4}at /m.test(status.stdout + status.stderr)) problems.push('stack trace');
    report.expect('corpus: hypervisor status with an unreadable checkpoint names it as unreadable (exit 0 by design)', problems);
    count += 1;
    report.expect(`corpus: ${count} inputs (${plans.length} plans × plan/status, ${checkpoints.length} checkpoints) in ${((performance.now() - started) / 1000).toFixed(1)} s`, count >= 30 ? [] : ['fewer than 30 inputs']);
  } finally {
    temp.remove();
  }
}
