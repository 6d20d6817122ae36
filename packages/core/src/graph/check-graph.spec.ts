import { describe, expect, it } from '@jest/globals';
import { formatProblem } from '../plan/plan-error.js';
import { checkGraph } from './check-graph.js';
import type { GraphNode } from './check-graph.js';

function nodes(edges: Readonly<Record<number, readonly number[]>>): GraphNode[] {
  return Object.entries(edges).map(([id, dependsOn]) => ({ id: Number(id), dependsOn, file: `${id}.md` }));
}

function messages(graph: readonly GraphNode[], invalid?: ReadonlySet<number>): string[] {
  return checkGraph(graph, invalid).map(formatProblem);
}

describe('checkGraph', () => {
  it('finds nothing wrong with an acyclic graph, nor with no graph at all', () => {
    expect(checkGraph(nodes({ 1: [], 2: [1], 3: [1, 2], 4: [3, 2] }))).toEqual([]);
    expect(checkGraph([])).toEqual([]);
  });

  it('names both files of a duplicated id and locates the problem in the second', () => {
    expect(checkGraph([...nodes({ 1: [] }), { id: 1, dependsOn: [], file: 'copy.md' }])).toEqual([
      { code: 'duplicate_phase_id', file: 'copy.md', message: 'phase 1 is defined twice, in 1.md and copy.md' },
    ]);
  });

  it('reports a duplicated id without files when the phases have none', () => {
    expect(checkGraph([{ id: 1, dependsOn: [] }, { id: 1, dependsOn: [] }])).toEqual([{ code: 'duplicate_phase_id', message: 'phase 1 is defined twice' }]);
  });

  it('reports a dependency on an absent phase and a self-dependency, in the order written', () => {
    expect(messages(nodes({ 1: [1, 7], 2: [1] }))).toEqual(['1.md: phase 1 depends on itself', '1.md: phase 1 depends on phase 7, which the plan does not have']);
  });

  it('does not report a dependency on a phase that exists but failed validation', () => {
    expect(checkGraph(nodes({ 2: [1, 7] }), new Set([1]))).toEqual([
      { code: 'unknown_dependency', file: '2.md', message: 'phase 2 depends on phase 7, which the plan does not have' },
    ]);
  });

  it('prints a cycle from its smallest id, each phase depending on the next', () => {
    expect(checkGraph(nodes({ 12: [14], 13: [12], 14: [13] }))).toEqual([
      { code: 'dependency_cycle', file: '12.md', message: 'dependency cycle 12 -> 14 -> 13 -> 12 (each phase depends on the next)' },
    ]);
  });

  it('prints a two-phase cycle', () => {
    expect(messages(nodes({ 1: [2], 2: [1] }))).toEqual(['1.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)']);
  });

  it('prints the shortest cycle through the smallest id when the tangle has several', () => {
    expect(messages(nodes({ 1: [2, 5], 2: [3], 3: [4], 4: [1], 5: [1] }))).toEqual(['1.md: dependency cycle 1 -> 5 -> 1 (each phase depends on the next)']);
  });

  it('prints one cycle for a tangle whose paths part and meet again', () => {
    expect(messages(nodes({ 1: [2, 3], 2: [4], 3: [4], 4: [1] }))).toEqual(['1.md: dependency cycle 1 -> 2 -> 4 -> 1 (each phase depends on the next)']);
  });

  it('does not report the phases that only wait on a cycle', () => {
    expect(messages(nodes({ 1: [], 2: [1, 3], 3: [2], 8: [2], 9: [8] }))).toEqual(['2.md: dependency cycle 2 -> 3 -> 2 (each phase depends on the next)']);
  });

  it('reports each separate cycle, also one whose phases also wait on another cycle', () => {
    expect(messages(nodes({ 12: [14], 13: [12], 14: [13], 20: [12, 21], 21: [20] }))).toEqual([
      '12.md: dependency cycle 12 -> 14 -> 13 -> 12 (each phase depends on the next)',
      '20.md: dependency cycle 20 -> 21 -> 20 (each phase depends on the next)',
    ]);
  });

  it('ignores self-dependencies and absent phases when it looks for cycles', () => {
    expect(checkGraph(nodes({ 1: [1, 2], 2: [9] })).map((problem) => problem.code)).toEqual(['self_dependency', 'unknown_dependency']);
  });

  it('reports all kinds of problem together: duplicates, then edges, then cycles', () => {
    const graph = [...nodes({ 1: [2], 2: [1], 3: [3], 4: [6] }), { id: 3, dependsOn: [], file: 'again.md' }];

    expect(checkGraph(graph).map((problem) => `${problem.file} ${problem.code}`)).toEqual([
      'again.md duplicate_phase_id',
      '3.md self_dependency',
      '4.md unknown_dependency',
      '1.md dependency_cycle',
    ]);
  });

  it('handles a chain of 10,000 phases and a cycle through all of them without running out of stack', () => {
    const chain = Array.from({ length: 10_000 }, (_, id): GraphNode => ({ id, dependsOn: id === 0 ? [] : [id - 1] }));
    const ring = chain.map((node) => (node.id === 0 ? { id: 0, dependsOn: [9_999] } : node));

    expect(checkGraph(chain)).toEqual([]);
    const [problem, ...rest] = checkGraph(ring);
    expect(rest).toEqual([]);
    expect(problem?.code).toBe('dependency_cycle');
    expect(problem?.message.startsWith('dependency cycle 0 -> 9999 -> 9998 -> ')).toBe(true);
    expect(problem?.message.endsWith(' -> 2 -> 1 -> 0 (each phase depends on the next)')).toBe(true);
  });
});
