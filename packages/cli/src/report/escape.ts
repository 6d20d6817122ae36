// C0 controls other than tab, line feed and carriage return, DEL and the C1 controls: parse errors in HTML.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Makes text safe between HTML tags, including inside `<pre>`, `<title>` and `<textarea>`: `&`, `<`, `>` and
 * both quotes become entities, and control characters (which HTML forbids) become U+FFFD, so that a `</pre>`,
 * `</style>` or `<script>` in a log line or a phase title stays text.
 * @example
 * escapeHtml('<script>alert("x")</script>'); // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(CONTROLS, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Makes text safe as a quoted attribute value (`aria-label="…"`, `data-…="…"`): {@link escapeHtml}, plus line
 * breaks and tabs as character references so that the value keeps them, and the backtick that old parsers
 * treated as a quote.
 * @example
 * `<rect aria-label="${escapeAttribute('a "b"\nc')}"/>`; // aria-label="a &quot;b&quot;&#10;c"
 */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/[\n\r\t`]/g, (char) => `&#${char.charCodeAt(0)};`);
}
