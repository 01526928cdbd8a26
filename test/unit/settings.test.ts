import { readFileSync } from "node:fs";
import path from "node:path";
import { readWorkerEnvironment, SETTINGS, type Setting } from "@s3-migrate/pipeline";
import { MIB, TRANSFER_DEFAULTS } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const settings: ReadonlyArray<[string, Setting]> = Object.entries(SETTINGS);

/** The body of a variable block of terraform/variables.tf. */
function variableBlock(variables: string, name: string): string {
  const block = new RegExp(`variable "${name}" \\{([\\s\\S]*?)\\n\\}`).exec(variables)?.[1];
  if (block === undefined) throw new Error(`terraform/variables.tf has no variable "${name}"`);
  return block;
}

/** The `default = ...` of a variable block of terraform/variables.tf, as a JS value. */
function terraformDefault(variables: string, name: string): unknown {
  const block = variableBlock(variables, name);
  const value = /\n\s*default\s*=\s*(.+)/.exec(block)?.[1]?.trim();
  if (value === undefined) throw new Error(`variable "${name}" has no default`);
  return value === "null" ? undefined : JSON.parse(value);
}

/** The bounds a variable's validation checks: `var.x >= min && var.x <= max`, and whether it checks `floor(var.x) == var.x`. */
function terraformValidation(variables: string, name: string): { min: number; max: number; whole: boolean } {
  const condition = /condition\s*=\s*(.+)/.exec(variableBlock(variables, name))?.[1] ?? "";
  const bound = (operator: string) => Number(new RegExp(`var\\.${name} ${operator} (\\d+)`).exec(condition)?.[1]);
  return { min: bound(">="), max: bound("<="), whole: condition.includes(`floor(var.${name}) == var.${name}`) };
}

/** The cells of docs/configuration.md's row for an environment variable. */
function docRow(doc: string, env: string): string[] {
  const row = doc.split("\n").find((line) => line.startsWith("|") && line.split("|")[1]?.includes(`\`${env}\``));
  if (row === undefined) throw new Error(`docs/configuration.md has no row for ${env}`);
  return row.split("|").map((cell) => cell.trim());
}

/** How the docs write a default. */
const written = (value: unknown) => (typeof value === "number" ? String(value) : `\`${JSON.stringify(value).replace(/^"(.+)"$/, "$1")}\``);

describe("the settings table (config/settings.ts) is the one home of every default", () => {
  it("gives the environment readers their defaults", () => {
    const environment = readWorkerEnvironment({ JOB_QUEUE_URL: "https://queue", LEDGER_TABLE: "ledger", MESSAGE_KEY_ID: "alias/messages" });
    expect(environment).toMatchObject({
      partSize: SETTINGS.partSizeMib.default * MIB,
      smallObjectThreshold: SETTINGS.smallObjectThresholdMib.default * MIB,
      partConcurrency: SETTINGS.partConcurrency.default,
      fileConcurrency: SETTINGS.fileConcurrency.default,
      maxAttempts: SETTINGS.maxAttempts.default,
      deadlineMarginMs: SETTINGS.deadlineMarginSeconds.default * 1000,
      copyTags: SETTINGS.copyTags.default,
      direction: SETTINGS.direction.default,
      propagateDeletes: SETTINGS.propagateDeletes.default,
      useChecksums: SETTINGS.useChecksums.default,
      serverSideCopy: SETTINGS.serverSideCopy.default,
    });
    expect(environment.storageClass).toBeUndefined();
    expect(() =>
      readWorkerEnvironment({
        JOB_QUEUE_URL: "q",
        LEDGER_TABLE: "t",
        MESSAGE_KEY_ID: "k",
        PART_SIZE_MIB: String(SETTINGS.partSizeMib.min - 1),
      }),
    ).toThrow(
      `Environment variable PART_SIZE_MIB must be a whole number from ${SETTINGS.partSizeMib.min} to ${SETTINGS.partSizeMib.max}, got "4"`,
    );
  });

  it("agrees with the defaults of terraform/variables.tf, and says why where a deployment's differ", () => {
    const variables = read("terraform/variables.tf");
    const main = read("terraform/main.tf");
    for (const [name, setting] of settings) {
      if (setting.terraform === undefined) continue;
      expect(terraformDefault(variables, setting.terraform.variable), name).toEqual(setting.terraform.default);
      const why = "why" in setting.terraform ? setting.terraform.why : undefined;
      if (setting.terraform.default === setting.default) expect(why, `${name}: no why for a default Terraform keeps`).toBeUndefined();
      else expect(why, `${name}: Terraform deploys another default; say why`).toMatch(/.{20}/);
      // and Terraform passes it to the functions under the same name
      expect(main, name).toMatch(new RegExp(`\\n\\s*${setting.env}\\s*=`));
      // within the code's bounds, whole numbers, narrower only where the table says why
      if (setting.kind === "number") {
        const bounds = "terraformBounds" in setting ? setting.terraformBounds : undefined;
        expect(terraformValidation(variables, setting.terraform.variable), name).toEqual({
          min: bounds?.min ?? setting.min,
          max: bounds?.max ?? setting.max,
          whole: true,
        });
      }
    }
  });

  it("is what docs/configuration.md says", () => {
    const doc = read("docs/configuration.md");
    for (const [name, setting] of settings) {
      const [, , , codeDefault, deployed] = docRow(doc, setting.env);
      if (setting.default !== undefined) expect(codeDefault, name).toContain(written(setting.default));
      if (setting.terraform === undefined) expect(deployed, name).toBe("not set");
      else if (setting.terraform.default === setting.default) expect(deployed, name).toBe("same");
      else expect(deployed, name).toContain(written(setting.terraform.default));
    }
  });

  it("is what the README's table of transfer settings says (the CLI's defaults are the transfer library's)", () => {
    const readme = read("README.md").split("\n");
    const row = (option: string) =>
      readme
        .find((line) => line.startsWith("|") && line.includes(`\`${option}\``))
        ?.split("|")[3]
        ?.trim();
    expect(row("--threshold-mib")).toBe(`${TRANSFER_DEFAULTS.smallObjectThreshold / MIB} MiB`);
    expect(row("--part-size-mib")).toBe(`${TRANSFER_DEFAULTS.partSize / MIB} MiB`);
    expect(row("--part-concurrency")).toBe(String(TRANSFER_DEFAULTS.partConcurrency));
    expect(row("--read-streams")).toBe(String(TRANSFER_DEFAULTS.readStreams));
    expect(row("--copy-tags")).toBe(TRANSFER_DEFAULTS.copyTags ? "on" : "off");
    expect(row("--no-checksums")).toBe(TRANSFER_DEFAULTS.useChecksums ? "on" : "off");
    expect(row("--server-side")).toBe(TRANSFER_DEFAULTS.serverSideCopy ? "on" : "off");
  });
});
