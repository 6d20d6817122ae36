const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Cuts text into pieces of at most `maxChars` UTF-16 units without separating the two halves of a surrogate
 * pair; only with `maxChars` 1 does an astral character make a piece of 2.
 */
export function splitText(text: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + maxChars, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    // A piece of one unit that is half a pair (maxChars 1) must take the other half too.
    if (end === start) end = start + 2;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** The last `maxChars` UTF-16 units of `tail + text`, never starting with the second half of a surrogate pair. */
export function appendTail(tail: string, text: string, maxChars: number): string {
  if (maxChars === 0) return '';
  const joined = tail + text;
  if (joined.length <= maxChars) return joined;
  let cut = joined.length - maxChars;
  if (isLowSurrogate(joined.charCodeAt(cut))) cut += 1;
  return joined.slice(cut);
}
