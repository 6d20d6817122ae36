import { describe, expect, it } from '@jest/globals';
import { companion, companionAnalysis, nasty, nastyAnalysis, nastyShown } from './__fixtures__/plans.js';
import { renderMermaid } from './render-mermaid.js';

const NODE = /^ {2}p(\d+)\["([^"]*)"\]$/;

// What Mermaid shows for a label: its entities decoded, `<br/>` as a line break.
function decodeLabel(label: string): string {
  const named: Record<string, string> = { quot: '"', lt: '<', gt: '>', amp: '&' };
  return label.replace(/<br\/>/g, '\n').replace(/#(\w+);/g, (_, name: string) => (/^\d+$/.test(name) ? String.fromCodePoint(Number(name)) : (named[name] ?? '?')));
}

describe('renderMermaid', () => {
  it('draws a top-down flowchart: every phase with id and title, edges from dependency to dependent', () => {
    expect(renderMermaid(companion)).toBe(
      [
        'flowchart TD',
        '  p1["1: Release"]',
        '  p5["5: Schema"]',
        '  p7["7: Docs"]',
        '  p10["10: Setup"]',
        '  p20["20: Core"]',
        '  p30["30: Parser"]',
        '  p40["40: Lint"]',
        '  p50["50: CLI"]',
        '  p60["60: Integration"]',
        '  p5 --> p60',
        '  p10 --> p5',
        '  p10 --> p20',
        '  p10 --> p30',
        '  p20 --> p60',
        '  p30 --> p40',
        '  p40 --> p50',
        '  p50 --> p1',
        '  p60 --> p1',
        '',
      ].join('\n'),
    );
  });

  it('with an analysis, adds each estimate and styles the critical path nodes and edges', () => {
    const lines = renderMermaid(companion, companionAnalysis).split('\n');
    expect(lines.slice(1, 10)).toEqual([
      '  p1["1: Release<br/>1s"]',
      '  p5["5: Schema<br/>4s"]',
      '  p7["7: Docs<br/>2.5s"]',
      '  p10["10: Setup<br/>3s"]',
      '  p20["20: Core<br/>5s"]',
      '  p30["30: Parser<br/>2s"]',
      '  p40["40: Lint<br/>1s"]',
      '  p50["50: CLI<br/>2s"]',
      '  p60["60: Integration<br/>6s"]',
    ]);
    expect(lines.slice(19)).toEqual([
      '  classDef critical stroke:#d32f2f,stroke-width:3px',
      '  class p1,p10,p20,p60 critical',
      // Edges 2, 4 and 8 are 10 --> 20, 20 --> 60 and 60 --> 1.
      '  linkStyle 2,4,8 stroke:#d32f2f,stroke-width:3px',
      '',
    ]);
    expect([2, 4, 8].map((index) => lines[10 + index])).toEqual(['  p10 --> p20', '  p20 --> p60', '  p60 --> p1']);
  });

  it('escapes titles so that quotes, brackets, markup, entities and line breaks cannot break the syntax', () => {
    for (const analysis of [undefined, nastyAnalysis]) {
      const lines = renderMermaid(nasty, analysis).split('\n');
      const nodes = lines.filter((line) => line.startsWith('  p') && !line.includes('-->'));
      expect(nodes).toHaveLength(4);
      for (const line of nodes) {
        const [, id, label] = NODE.exec(line) ?? [];
        expect(label).toBeDefined();
        const shown = decodeLabel(label as string).replace(/\n10m 00s$/, '');
        expect(shown).toBe(`${id}: ${nastyShown[Number(id)]}`);
      }
      expect(lines.filter((line) => line.includes('-->'))).toEqual(['  p1 --> p2', '  p1 --> p4', '  p2 --> p3']);
    }
  });

  it('keeps Unicode titles as they are', () => {
    expect(renderMermaid(nasty)).toContain('  p3["3: 日本語 — émoji 🚀 ünïcødé"]\n');
  });

  it('styles nothing without an analysis, and no edge when the critical path is a single phase', () => {
    expect(renderMermaid(nasty)).not.toContain('critical');
    const single = { ...nastyAnalysis, criticalPath: { phaseIds: [4], lengthMs: 1 } };
    const text = renderMermaid(nasty, single);
    expect(text).toContain('  class p4 critical\n');
    expect(text).not.toContain('linkStyle');
  });
});
