import { describe, expect, it } from '@jest/globals';
import { companion, companionAnalysis, nasty, nastyAnalysis, nastyShown } from './__fixtures__/plans.js';
import { renderDot } from './render-dot.js';

const NODE = /^ {2}p(\d+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$/;

// What Graphviz reads from a quoted string: `\n` a line break, `\x` the character x.
function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

describe('renderDot', () => {
  it('writes a digraph: every phase with id and title, edges from dependency to dependent', () => {
    expect(renderDot(companion)).toBe(
      [
        'digraph "companion" {',
        '  rankdir=TB;',
        '  node [shape=box, style=rounded];',
        '  p1 [label="1: Release"];',
        '  p5 [label="5: Schema"];',
        '  p7 [label="7: Docs"];',
        '  p10 [label="10: Setup"];',
        '  p20 [label="20: Core"];',
        '  p30 [label="30: Parser"];',
        '  p40 [label="40: Lint"];',
        '  p50 [label="50: CLI"];',
        '  p60 [label="60: Integration"];',
        '  p5 -> p60;',
        '  p10 -> p5;',
        '  p10 -> p20;',
        '  p10 -> p30;',
        '  p20 -> p60;',
        '  p30 -> p40;',
        '  p40 -> p50;',
        '  p50 -> p1;',
        '  p60 -> p1;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('with an analysis, adds each estimate and draws the critical path bold and red', () => {
    const lines = renderDot(companion, companionAnalysis).split('\n');
    const critical = ', color=red, fontcolor=red, penwidth=2, style="rounded,bold"';
    expect(lines).toContain(`  p10 [label="10: Setup\\n3s"${critical}];`);
    expect(lines).toContain('  p7 [label="7: Docs\\n2.5s"];');
    expect(lines.filter((line) => line.includes('color=red'))).toEqual([
      `  p1 [label="1: Release\\n1s"${critical}];`,
      `  p10 [label="10: Setup\\n3s"${critical}];`,
      `  p20 [label="20: Core\\n5s"${critical}];`,
      `  p60 [label="60: Integration\\n6s"${critical}];`,
      '  p10 -> p20 [color=red, penwidth=2, style=bold];',
      '  p20 -> p60 [color=red, penwidth=2, style=bold];',
      '  p60 -> p1 [color=red, penwidth=2, style=bold];',
    ]);
  });

  it('escapes titles and the plan name so that quotes, backslashes and line breaks keep the file valid', () => {
    for (const analysis of [undefined, nastyAnalysis]) {
      const lines = renderDot(nasty, analysis).split('\n');
      expect(lines[0]).toBe('digraph "nasty \\"plan\\"\\n{x}" {');
      const nodes = lines.filter((line) => line.includes('[label='));
      expect(nodes).toHaveLength(4);
      for (const line of nodes) {
        const [, id, label] = NODE.exec(line) ?? [];
        expect(label).toBeDefined();
        expect(unescape(label as string).replace(/\n10m 00s$/, '')).toBe(`${id}: ${nastyShown[Number(id)]}`);
      }
      expect(lines.at(-2)).toBe('}');
    }
  });

  it('keeps Unicode titles as they are', () => {
    expect(renderDot(nasty)).toContain('  p3 [label="3: 日本語 — émoji 🚀 ünïcødé"];\n');
  });
});
