import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Every import specifier of every .ts file under `dir`, with the file it is in. */
function importsUnder(dir: string): Array<{ file: string; specifier: string }> {
  const found: Array<{ file: string; specifier: string }> = [];
  for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (/[/\\](node_modules|dist)[/\\]/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g))
      found.push({ file: path.relative(root, file), specifier: (match[1] ?? match[2]) as string });
  }
  return found;
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Imports that leave `dir` by a relative path. */
function escapes(dir: string): string[] {
  return importsUnder(dir)
    .filter(({ specifier }) => specifier.startsWith("."))
    .filter(({ file, specifier }) => !path.resolve(root, path.dirname(file), specifier).startsWith(path.join(root, dir)))
    .map(({ file, specifier }) => `${file}: ${specifier}`);
}

/** Bare imports of a package's sources that its package.json does not declare. */
function undeclared(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, packageDir, "package.json"), "utf8"));
  // A types-only package (aws-lambda) counts as declared through its @types package.
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}).map((name) => name.replace(/^@types\//, "")),
  ]);
  return importsUnder(path.join(packageDir, "src"))
    .filter(({ specifier }) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
    .filter(({ specifier }) => !declared.has(packageOf(specifier)))
    .map(({ file, specifier }) => `${file}: ${specifier}`);
}

describe("package boundaries", () => {
  it("keeps the transfer library free of the pipeline", () => {
    expect(importsUnder("packages/transfer").filter(({ specifier }) => specifier.includes("pipeline"))).toEqual([]);
    expect(escapes("packages/transfer")).toEqual([]);
  });

  it("has the pipeline and its users reach the transfer library only through its entry point", () => {
    expect(escapes("packages/pipeline/src")).toEqual([]);
    for (const dir of ["packages/pipeline", "packages/cli", "functions", "test"]) {
      const deep = importsUnder(dir).filter(({ specifier }) => /^@s3-migrate\/[^/]+\/./.test(specifier));
      expect(deep, dir).toEqual([]);
    }
  });

  it("declares every package a source file imports", () => {
    for (const dir of ["packages/transfer", "packages/pipeline", "packages/cli", "functions/worker", "functions/jobsender"])
      expect(undeclared(dir), dir).toEqual([]);
  });
});
