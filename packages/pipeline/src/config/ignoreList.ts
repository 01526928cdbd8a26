/**
 * The ignore list, with the original tool's semantics: one glob a line, matched case-sensitively
 * against `bucket/key`; `*` matches any run of characters including `/`, `?` exactly one
 * character, `[abc]` / `[!abc]` one character of (not of) a set, as Python's `fnmatchcase`
 * (see `glob.ts`). Blank lines and lines starting with `#` are skipped.
 */

import { ConfigError } from "@s3-migrate/transfer";
import { compileGlob, type Glob, globMatches } from "./glob.js";

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
 * @param parameterName - where the text came from, for the error message
 * @throws ConfigError naming the parameter and the line (counted from 1, comments included) of a glob that cannot match as written, `[z-a]`.
 * @example
 * const ignore = parseIgnoreList("*.jpg\nmy-bucket/logs/*", "s3_migrate_ignore_list");
 * ignore.matches("my-bucket", "a/b.jpg"); // true
 */
export function parseIgnoreList(text: string | undefined, parameterName = "ignore list"): IgnoreList {
  const globs: Glob[] = [];
  (text ?? "").split(/\r?\n/).forEach((line, index) => {
    const pattern = line.trim();
    if (pattern === "" || pattern.startsWith("#")) return;
    try {
      globs.push(compileGlob(pattern));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`Parameter ${parameterName}, line ${index + 1}: glob ${JSON.stringify(pattern)} ${error.message}`, {
        cause: error,
      });
    }
  });
  return {
    patterns: globs.map((glob) => glob.source),
    matches: (bucket, key) => {
      const path = `${bucket}/${key}`;
      return globs.some((glob) => globMatches(glob, path));
    },
  };
}
