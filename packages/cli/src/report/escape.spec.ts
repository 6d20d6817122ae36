import { describe, expect, it } from '@jest/globals';
import { escapeAttribute, escapeHtml } from './escape.js';

describe('escapeHtml', () => {
  it.each([
    ['a script tag', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['both quotes', `say "hi" and 'bye'`, 'say &quot;hi&quot; and &#39;bye&#39;'],
    ['an ampersand, also one that looks like an entity', 'a & b &amp; c', 'a &amp; b &amp;amp; c'],
    ['a </pre> inside a log line', 'error </pre><b>bold</b>', 'error &lt;/pre&gt;&lt;b&gt;bold&lt;/b&gt;'],
    ['a </style> inside a log line', '</style><style>body{display:none}', '&lt;/style&gt;&lt;style&gt;body{display:none}'],
    ['control characters HTML forbids', 'bell\u0007 nul\u0000 del\u007f c1\u0085', 'bell\uFFFD nul\uFFFD del\uFFFD c1\uFFFD'],
    ['line breaks and tabs, kept as they are', 'a\n\tb\r\n', 'a\n\tb\r\n'],
    ['plain text, unchanged', 'Phase 12: build the app — ok ✓', 'Phase 12: build the app — ok ✓'],
  ])('escapes %s', (_name, input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('escapeAttribute', () => {
  it.each([
    ['quotes that would end the attribute', `x" onfocus="alert(1)`, 'x&quot; onfocus=&quot;alert(1)'],
    ['a script tag', '<script>', '&lt;script&gt;'],
    ['an ampersand', 'R&D', 'R&amp;D'],
    ['line breaks and tabs as references, so that the value keeps its lines', 'one\ntwo\r\tthree', 'one&#10;two&#13;&#9;three'],
    ['a backtick', 'a`b', 'a&#96;b'],
  ])('escapes %s', (_name, input, expected) => {
    expect(escapeAttribute(input)).toBe(expected);
  });
});
