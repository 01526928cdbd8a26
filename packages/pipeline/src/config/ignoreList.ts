/**
 * The ignore list, with the original tool's semantics: one glob a line, matched case-sensitively
 * against `bucket/key`; `*` matches any run of characters including `/`, `?` exactly one
 * character, `[abc]` / `[!abc]` one character of (not of) a set, as Python's `fnmatchcase`.
 * Blank lines and lines starting with `#` are skipped.
 */

/** Decides whether an object is on the ignore list. */
export interface IgnoreList {
  /** The patterns in effect, as written. */
  readonly patterns: readonly string[];
  /** Whether `bucket/key` matches any pattern. */
  matches(bucket: string, key: string): boolean;
}

/**
 * Compiles an ignore list from the text of the SSM parameter (or any newline-separated text).
 *
 * @example
 * const ignore = parseIgnoreList("*.jpg\nmy-bucket/logs/*");
 * ignore.matches("my-bucket", "a/b.jpg"); // true
 */
export function parseIgnoreList(text: string | undefined): IgnoreList {
  const patterns = (text ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  if (patterns.length === 0) return { patterns, matches: () => false };
  const combined = new RegExp(`^(?:${patterns.map(globToRegExpSource).join("|")})$`, "s");
  return { patterns, matches: (bucket, key) => combined.test(`${bucket}/${key}`) };
}

/** Translates one fnmatch-style glob into the source of an unanchored regular expression. */
export function globToRegExpSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i);
    if (char === "*") out += ".*";
    else if (char === "?") out += ".";
    else if (char === "[") {
      const close = findClassEnd(glob, i);
      if (close === -1) out += "\\[";
      else {
        out += characterClass(glob.slice(i + 1, close));
        i = close;
      }
    } else out += escapeRegExp(char);
  }
  return out;
}

function findClassEnd(glob: string, open: number): number {
  let j = open + 1;
  if (glob.charAt(j) === "!") j++;
  if (glob.charAt(j) === "]") j++;
  return glob.indexOf("]", j);
}

function characterClass(body: string): string {
  const negated = body.startsWith("!");
  const members = (negated ? body.slice(1) : body)
    .replaceAll("\\", "\\\\")
    .replaceAll("^", "\\^")
    .replaceAll("[", "\\[")
    .replaceAll("]", "\\]");
  return `[${negated ? "^" : ""}${members}]`;
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}
