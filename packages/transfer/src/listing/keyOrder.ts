/**
 * S3 lists keys in the binary order of their UTF-8 bytes, which is code-point order.
 * JavaScript's `<` compares UTF-16 code units, which disagrees for characters beyond U+FFFF
 * (emoji, rare CJK) against U+E000..U+FFFF. A merge-join using `<` would take such keys for
 * missing and queue them again, or skip real gaps; every comparison of keys goes through here.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogates, a code unit is its code point.
    if (x < 0xd800 && y < 0xd800) return x - y;
    // Back up to the start of a surrogate pair whose high halves matched, then compare code points.
    const start = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
    return (a.codePointAt(start) ?? 0) - (b.codePointAt(start) ?? 0);
  }
  return a.length - b.length;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
