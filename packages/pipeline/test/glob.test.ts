import { ConfigError } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, globMatches, type StepMeter } from "../src/config/glob.js";

/**
 * The reference: the RegExp translation the ignore list used before (fnmatch.translate's rules),
 * with the `u` flag so that, like fnmatch, a character is a code point. A backtracking RegExp is
 * fine here: the patterns and texts of the properties are short.
 */
function referenceMatch(glob: string, text: string): boolean {
  return new RegExp(`^(?:${translate(glob)})$`, "su").test(text);
}

function translate(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob.charAt(i);
    if (char === "*") out += ".*";
    else if (char === "?") out += ".";
    else if (char === "[") {
      let j = i + 1;
      if (glob.charAt(j) === "!") j++;
      if (glob.charAt(j) === "]") j++;
      const close = glob.indexOf("]", j);
      if (close === -1) out += "\\[";
      else {
        const body = glob.slice(i + 1, close);
        const negated = body.startsWith("!");
        const members = (negated ? body.slice(1) : body)
          .replaceAll("\\", "\\\\")
          .replaceAll("^", "\\^")
          .replaceAll("[", "\\[")
          .replaceAll("]", "\\]");
        out += `[${negated ? "^" : ""}${members}]`;
        i = close;
      }
    } else out += /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
  }
  return out;
}

const matches = (glob: string, text: string, meter?: StepMeter) => globMatches(compileGlob(glob), text, meter);

const textChar = fc.constantFrom("a", "b", "-", "!", "]", "[", "/", "^", "\\", "😀", "z");
/** A set, well-formed or not: members, ranges in either order, `!`, `]` and `-` where they mean something. */
const setGlob = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.oneof(
        textChar,
        fc.tuple(textChar, textChar).map(([low, high]) => `${low}-${high}`),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([negated, members]) => `[${negated ? "!" : ""}${members.join("")}]`);
const globText = (maxLength: number) =>
  fc.array(fc.oneof(textChar, fc.constantFrom("*", "?", "["), setGlob), { maxLength }).map((parts) => parts.join(""));

describe("compileGlob and globMatches", () => {
  it.each([
    // Each row checked against Python 3.11's fnmatch.fnmatchcase.
    ["[]]x", "]x", true],
    ["[!]]x", "]x", false],
    ["[!]]x", "ax", true],
    ["[-a]", "-", true],
    ["[a-]", "-", true],
    ["[a-c-e]", "-", true],
    ["[a-c-e]", "d", false],
    ["[a-c-e]", "e", true],
    ["[--a]", "0", true],
    ["[!]", "[!]", true],
    ["[]", "[]", true],
    ["[", "[", true],
    ["a[b", "a[b", true],
    ["[\\]", "\\", true],
    ["[^a]", "^", true],
    ["[^a]", "b", false],
    ["*/readme.md", "readme.md", false],
    ["b/*", "b/", true],
    ["?", "😀", true],
    ["[😀-😂]", "😁", true],
    ["**a", "xa", true],
    ["a*b*c", "abxbxc", true],
    ["a*b*c", "abxbx", false],
    ["[!a-c]", "d", true],
    ["[!a-c]", "b", false],
    ["x[a-c]*", "xb/q", true],
  ])("%j against %j is %s, as fnmatchcase says", (glob, text, expected) => {
    expect(matches(glob, text)).toBe(expected);
  });

  it.each(["[z-a]", "x[b-a]", "[!9-0]", "[a--]", "[😂-😀]"])("refuses the reversed range in %j", (glob) => {
    expect(() => compileGlob(glob)).toThrow(ConfigError);
    expect(() => compileGlob(glob)).toThrow(/reversed range/);
  });

  it("answers as the RegExp translation it replaces, and refuses exactly the globs that translation could not compile (property)", () => {
    fc.assert(
      fc.property(globText(6), fc.array(fc.string({ unit: textChar, maxLength: 8 }), { maxLength: 20 }), (glob, texts) => {
        let reference: ((text: string) => boolean) | undefined;
        try {
          reference = (text) => referenceMatch(glob, text);
          reference("");
        } catch {
          reference = undefined;
        }
        if (reference === undefined) {
          expect(() => compileGlob(glob)).toThrow(ConfigError);
          return;
        }
        const compiled = compileGlob(glob);
        for (const text of texts) expect(globMatches(compiled, text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("matches what the texts it is built from say: a literal itself, a star-spliced literal anything in the gap (property)", () => {
    const literal = fc.string({ unit: fc.constantFrom("a", "b", "/", ".", "😀"), maxLength: 6 });
    fc.assert(
      fc.property(literal, literal, literal, (head, gap, tail) => {
        expect(matches(`${head}${tail}`, `${head}${tail}`)).toBe(true);
        expect(matches(`${head}*${tail}`, `${head}${gap}${tail}`)).toBe(true);
        expect(matches(`${head}?${tail}`, `${head}${tail}`)).toBe(false);
      }),
    );
  });

  it("takes at most (tokens + 1) x (text length + 1) steps (property)", () => {
    fc.assert(
      fc.property(globText(10), fc.string({ unit: textChar, maxLength: 40 }), (glob, text) => {
        let compiled: ReturnType<typeof compileGlob>;
        try {
          compiled = compileGlob(glob);
        } catch {
          return;
        }
        const meter = { steps: 0 };
        globMatches(compiled, text, meter);
        expect(meter.steps).toBeLessThanOrEqual((compiled.tokens.length + 1) * (text.length + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it("stays linear on the glob a backtracking RegExp takes about a second for on 150 characters", () => {
    // Prepare: 7 stars, so a RegExp tries the ways to place 7 a's among the key's (C(150, 7) ~ 2e11)
    const glob = compileGlob("*a*a*a*a*a*a*a*b");
    const steps = (length: number) => {
      const meter = { steps: 0 };
      expect(globMatches(glob, "a".repeat(length), meter)).toBe(false);
      return meter.steps;
    };
    // Act
    const short = steps(150);
    const long = steps(100_000);
    const longer = steps(200_000);
    // Assess: bounded by tokens x length, and doubling the key doubles the work
    expect(short).toBeLessThanOrEqual(16 * 151);
    expect(long).toBeLessThanOrEqual(16 * 100_001);
    expect(longer / long).toBeLessThan(2.01);
  });
});
