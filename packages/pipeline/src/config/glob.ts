/*
 * fnmatch-style globs (Python's `fnmatchcase`, which the original tool used): `*` any run of
 * characters, `/` included; `?` one character; `[abc]`, `[a-z]`, `[!abc]` one character of (not
 * of) a set; a `[` with no closing `]` is itself; everything else is literal (no `\` escapes). A
 * character is a Unicode code point. Matching backtracks only to the last `*` seen (a later
 * `*` can stretch over whatever an earlier one would have), so it takes steps in proportion to
 * pattern length x text length, never the exponential time a backtracking RegExp can take on
 * `*a*a*a*b`.
 */

import { ConfigError } from "@s3-migrate/transfer";

/** One element of a compiled glob. */
type Token =
  | { readonly kind: "star" }
  | { readonly kind: "one" }
  | { readonly kind: "literal"; readonly codePoint: number }
  | { readonly kind: "set"; readonly negated: boolean; readonly ranges: readonly (readonly [number, number])[] };

/** A compiled glob, for {@link globMatches}. */
export interface Glob {
  /** The glob as written. */
  readonly source: string;
  readonly tokens: readonly Token[];
}

/** Counts the steps of a match, to show that its time stays linear in the text. */
export interface StepMeter {
  steps: number;
}

/**
 * Compiles one glob.
 *
 * @throws ConfigError (without a location: the caller knows it) for a set with a reversed range, `[z-a]`.
 * @example
 * globMatches(compileGlob("logs/*.gz"), "logs/2024/a.gz") // true
 */
export function compileGlob(source: string): Glob {
  const chars = Array.from(source);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? "";
    if (char === "*") {
      // `**` matches what `*` matches; one star keeps the backtracking to one point.
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (char === "?") tokens.push({ kind: "one" });
    else if (char === "[" && setEnd(chars, i) !== -1) {
      const close = setEnd(chars, i);
      tokens.push(compileSet(chars.slice(i + 1, close)));
      i = close;
    } else tokens.push({ kind: "literal", codePoint: codePoint(char) });
  }
  return { source, tokens };
}

/**
 * Whether `text` matches the whole of `glob`, case-sensitively.
 *
 * @param meter - counts the steps taken (tests)
 */
export function globMatches(glob: Glob, text: string, meter?: StepMeter): boolean {
  const tokens = glob.tokens;
  let p = 0;
  let t = 0;
  // Where the last `*` was, and the text position it has swallowed up to.
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    if (meter !== undefined) meter.steps++;
    const token = tokens[p];
    const char = text.codePointAt(t) ?? 0;
    if (token !== undefined && token.kind !== "star" && matchesOne(token, char)) {
      p++;
      t += width(char);
    } else if (token?.kind === "star") {
      star = p++;
      starText = t;
    } else if (star !== -1) {
      p = star + 1;
      starText += width(text.codePointAt(starText) ?? 0);
      t = starText;
    } else return false;
  }
  while (tokens[p]?.kind === "star") p++;
  return p === tokens.length;
}

/** The index of the `]` that closes the set opened at `open`, or -1: fnmatch's rules (a `]` first in the set is a member). */
function setEnd(chars: readonly string[], open: number): number {
  let j = open + 1;
  if (chars[j] === "!") j++;
  if (chars[j] === "]") j++;
  return chars.indexOf("]", j);
}

/** A set's members: single characters and `a-z` ranges; a `-` first or last is a member. */
function compileSet(body: readonly string[]): Token {
  const negated = body[0] === "!";
  const members = negated ? body.slice(1) : body;
  const ranges: [number, number][] = [];
  for (let i = 0; i < members.length; i++) {
    const low = codePoint(members[i] ?? "");
    const high = members[i + 1] === "-" && i + 2 < members.length ? codePoint(members[i + 2] ?? "") : undefined;
    if (high === undefined) {
      ranges.push([low, low]);
      continue;
    }
    if (high < low)
      throw new ConfigError(
        `has the reversed range ${members[i]}-${members[i + 2]} in [${body.join("")}] (a range runs from the lower character to the higher)`,
      );
    ranges.push([low, high]);
    i += 2;
  }
  return { kind: "set", negated, ranges };
}

function matchesOne(token: Exclude<Token, { kind: "star" }>, char: number): boolean {
  switch (token.kind) {
    case "one":
      return true;
    case "literal":
      return token.codePoint === char;
    case "set":
      return token.ranges.some(([low, high]) => low <= char && char <= high) !== token.negated;
  }
}

function codePoint(char: string): number {
  return char.codePointAt(0) ?? 0;
}

/** How many UTF-16 units the code point takes. */
function width(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}
