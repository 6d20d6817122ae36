import { describe, expect, it } from '@jest/globals';
import { buildRunReport, definePlan } from '@kazuba/core';
import type { PhaseDefinition, RunReport } from '@kazuba/core';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { countsOf, eventMaker } from '../run/__fixtures__/events.js';
import { largeReport } from './__fixtures__/reports.js';
import { renderRunReportHtml } from './report-html.js';

const TWO_MB = 2 * 1024 * 1024;
// Laying out 1,000 phases with dagre takes seconds, more on a busy machine; the timeout is not a speed assertion.
const LAYOUT_TIMEOUT_MS = 60_000;

/** A small seeded generator (an LCG): the same plan every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * 1,000 phases in 30 layers; each phase after the first layer depends on 1–3 phases of the two layers before it, as a
 * plan written by people (or agents) tends to: a migration split into steps that each build on a few earlier ones.
 */
function layeredPlan(): PhaseDefinition[] {
  const random = seeded(42);
  const perLayer = Math.ceil(1_000 / 30);
  return Array.from({ length: 1_000 }, (_, index) => {
    const id = index + 1;
    const layer = Math.floor(index / perLayer);
    const lowest = Math.max(0, layer - 2) * perLayer + 1;
    const dependsOn = new Set<number>();
    const wanted = layer === 0 ? 0 : 1 + Math.floor(random() * 3);
    while (dependsOn.size < wanted) dependsOn.add(lowest + Math.floor(random() * (layer * perLayer - lowest + 1)));
    return { id, name: `Implement part ${id} of the migration to the new storage layer`, dependsOn: [...dependsOn], estimates: { durationMs: 60_000 } };
  });
}

/** A finished run of `definitions` (in dependency order) on 8 workers, each phase starting once its dependencies end. */
function runOf(definitions: readonly PhaseDefinition[]): RunReport {
  const event = eventMaker();
  const ends = new Map<number, number>();
  const workers = new Array<number>(8).fill(0);
  const timed: { at: number; make: () => HypervisorEvent }[] = [];
  for (const { id, dependsOn = [] } of definitions) {
    const worker = id % 8;
    const start = Math.max(workers[worker] ?? 0, ...dependsOn.map((dependency) => ends.get(dependency) ?? 0));
    const took = 60_000 + (id % 7) * 1_000;
    ends.set(id, start + took);
    workers[worker] = start + took;
    timed.push({ at: start, make: () => event('phase:started', start, { phaseId: id, attempt: 1, agent: 'claude' }) });
    timed.push({ at: start + took, make: () => event('phase:finished', start + took, { phaseId: id, status: 'success', attempts: 1, durationMs: took, costUsd: 0.42, turns: 12 }) });
  }
  const end = Math.max(...ends.values());
  const started = event('run:started', 0, { plan: 'layered', phaseIds: definitions.map((definition) => definition.id), mode: 'parallel', maxWorkers: 8 });
  // Sequence numbers follow time, as in a real run's event log.
  const events = [started, ...timed.sort((a, b) => a.at - b.at).map((entry) => entry.make())];
  const summary = { outcome: 'succeeded' as const, durationMs: end, countsByStatus: countsOf({ success: definitions.length }), phases: [] };
  events.push(event('run:finished', end, { summary }));
  return buildRunReport({ plan: definePlan([...definitions], { name: 'layered' }), events });
}

/** The bytes of the dependency section of a report page. */
function graphBytesOf(html: string): number {
  return Buffer.byteLength(html.slice(html.indexOf('<section id="graph"'), html.indexOf('<section id="phases"')), 'utf8');
}

describe('renderRunReportHtml at scale', () => {
  it(
    'keeps the report of a 1,000-phase run under 2 MB, with every attempt drawn and every phase listed and in the graph',
    () => {
      const report = largeReport();
      const failures = [{ phaseId: 1, logTail: 'x'.repeat(4_000) }];
      const html = renderRunReportHtml(report, { failures, generatedAt: '2025-06-01T12:00:00.000Z' });
      expect(report.phases).toHaveLength(1_000);
      expect(html.match(/<rect class="bar [^>]*data-phase-id/g)).toHaveLength(1_020);
      expect(html.match(/<rect class="wait /g)).toHaveLength(20);
      expect(html.match(/<tr id="phase-/g)).toHaveLength(1_000);
      expect(html.match(/<g class="gn [^>]*data-phase-id/g)).toHaveLength(1_000);
      expect(html.match(/<path class="crit"/g)).toHaveLength(report.criticalPath.phaseIds.length - 1);
      expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(TWO_MB);
    },
    LAYOUT_TIMEOUT_MS,
  );

  it(
    'routes every edge of a layered 1,000-phase plan (1–3 dependencies a phase) and stays under 2 MB',
    () => {
      const report = runOf(layeredPlan());
      const html = renderRunReportHtml(report, { failures: [], generatedAt: '2025-06-01T12:00:00.000Z' });
      expect(report.edges.length).toBeGreaterThan(1_800);
      expect(html.match(/<g class="gn [^>]*data-phase-id/g)).toHaveLength(1_000);
      expect(html.match(/<g class="ge"[^>]*>(.*?)<\/g>/)?.[1]?.match(/<path /g)).toHaveLength(report.edges.length);
      expect(html).not.toContain('too big to route');
      expect(graphBytesOf(html)).toBeLessThan(700 * 1024);
      expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(TWO_MB);
    },
    LAYOUT_TIMEOUT_MS,
  );
});
