// The fuzz properties, run in a child process so that a hang is caught by the parent's timeout.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isPlanError, loadPlan } from '@kazuba/core';
import { decodeCheckpoint, encodeCheckpoint, isToonError } from '@kazuba/toon';

const [target, runsText, seedText] = process.argv.slice(2);
const numRuns = Number(runsText);
const seed = Number(seedText);
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).length;

function assertNotPolluted() {
  if ({}.polluted !== undefined || Object.getOwnPropertyNames(Object.prototype).length !== PROTO_KEYS) {
    throw new Error('Object.prototype was polluted');
  }
}

const key = fc.oneof(
  fc.constantFrom('phase', 'title', 'depends_on', 'parallel_group', 'run', 'effort', 'cross_refs', 'checkpoint', '__proto__', 'constructor', 'prototype', 'polluted'),
  fc.string({ maxLength: 8 }),
);
const scalar = fc.oneof(fc.integer({ min: -3, max: 20 }), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }));
const yamlValue = fc.oneof(scalar.map((v) => JSON.stringify(v) ?? 'null'), fc.json({ maxDepth: 3 }), fc.constantFrom('[1', '{a: 1', '&a [*a]', '*x', '!!js/function f', '|', '>-', '"\\u0000"', '- 1'));
const structured = fc.array(fc.tuple(key, yamlValue), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n'));
const mutated = fc.tuple(structured, fc.nat(), fc.string({ maxLength: 6 })).map(([text, at, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1) + 1));
const frontMatter = fc.oneof(structured, mutated, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
const document = fc.tuple(frontMatter, fc.boolean(), fc.string({ maxLength: 40 })).map(([fm, closed, body]) => `---\n${fm}\n${closed ? '---\n' : ''}${body}`);

async function fuzzPlans() {
  const base = mkdtempSync(join(tmpdir(), 'kazuba-rel-fuzz-plan-'));
  let index = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(document, { minLength: 1, maxLength: 3 }), async (docs) => {
        const dir = join(base, String((index += 1)));
        mkdirSync(dir);
        docs.forEach((text, i) => writeFileSync(join(dir, `p${i}.md`), text));
        try {
          await loadPlan(dir);
        } catch (error) {
          if (!isPlanError(error)) throw error;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        assertNotPolluted();
      }),
      { numRuns, seed },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const sample = { kind: 'kazuba.hypervisor.phase', phase_id: 1, status: 'success', attempts: 1, nested: { list: [1, 'two', null, { deep: true }] } };
const encoded = ['toon', 'kazuba', 'msgpack', 'json'].map((format) => encodeCheckpoint(sample, { format }));

const mutation = fc.tuple(fc.constantFrom(...encoded), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat()));
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 200 }).map((tail) => Uint8Array.from([0x54, 0x4f, 0x4f, 0x4e, 0x01, ...tail])),
  fc.string({ maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
  fc.json({ maxDepth: 6 }).map((text) => new TextEncoder().encode(text.replace(/"a"/g, '"__proto__"'))),
  mutation.map(([original, flips, cut]) => {
    const copy = Uint8Array.from(original);
    for (const [at, value] of flips) copy[at % copy.length] = value;
    return cut === null ? copy : copy.subarray(0, cut % (copy.length + 1));
  }),
);

async function fuzzCheckpoints() {
  fc.assert(
    fc.property(bytes, (input) => {
      try {
        const { value } = decodeCheckpoint(input);
        JSON.stringify(value);
      } catch (error) {
        if (!isToonError(error)) throw error;
      }
      assertNotPolluted();
    }),
    { numRuns, seed },
  );
}

const started = performance.now();
await (target === 'plan' ? fuzzPlans() : fuzzCheckpoints());
console.log(JSON.stringify({ ms: Math.round(performance.now() - started) }));
