#!/usr/bin/env node
// Turns the measurements scripts/bench.sh left in its work folder into the printed table and the
// JSON results file. Each run left there:
//   <tool>-<set>.time   `/usr/bin/time -f '%e %U %S %M'` of the copy process alone
//   <tool>-<set>.cmd    the command line as run
//   <tool>-<set>.note   optional remarks (e.g. retries rclone logged)
//   <tool>-<set>.moto   peak RSS (KiB) of the source and destination moto servers
// and manifest-<set>.json from seeding, cli-help.txt (`s3-migrate copy --help`) and env.json.
//
// With PROFILE_SUMMARY (from scripts/bench/profile-top.mjs --json) the results include it.
//
//   node scripts/bench/report.mjs WORK_DIR RESULTS_JSON [PROFILE_SUMMARY]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [workDir, resultsPath, profileSummaryPath] = process.argv.slice(2);
if (!workDir || !resultsPath) {
  console.error("usage: node scripts/bench/report.mjs WORK_DIR RESULTS_JSON [PROFILE_SUMMARY]");
  process.exit(2);
}
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const TOOLS = ["ours", "rclone"];
const SETS = ["large", "small"];
const TOOL_NAMES = { ours: "s3-migrate", rclone: "rclone" };
const SET_NAMES = { large: "1 GiB object", small: "2,000 small objects" };
const read = (name) => readFileSync(join(workDir, name), "utf8").trim();
const has = (name) => existsSync(join(workDir, name));

const env = has("env.json") ? JSON.parse(read("env.json")) : {};
const runs = [];
for (const set of SETS) {
  if (!has(`manifest-${set}.json`)) continue;
  const manifest = JSON.parse(read(`manifest-${set}.json`));
  for (const tool of TOOLS) {
    if (!has(`${tool}-${set}.time`)) continue;
    const [wall, user, system, rssKib] = read(`${tool}-${set}.time`).split("\n").at(-1).trim().split(/\s+/).map(Number);
    if (![wall, user, system, rssKib].every(Number.isFinite))
      throw new Error(`${tool}-${set}.time: cannot parse "${read(`${tool}-${set}.time`)}"`);
    const cpu = user + system;
    const [sourceKib, destinationKib] = has(`${tool}-${set}.moto`) ? read(`${tool}-${set}.moto`).split(/\s+/).map(Number) : [];
    runs.push({
      tool,
      toolName: TOOL_NAMES[tool],
      dataset: set,
      datasetName: SET_NAMES[set],
      objects: manifest.objectCount,
      bytes: manifest.totalBytes,
      command: read(`${tool}-${set}.cmd`),
      wallSeconds: wall,
      userSeconds: user,
      systemSeconds: system,
      cpuSeconds: round(cpu, 2),
      cpuSecondsPerGiB: set === "large" ? round(cpu / (manifest.totalBytes / GIB), 2) : undefined,
      cpuMsPerObject: set === "small" ? round((cpu * 1000) / manifest.objectCount, 2) : undefined,
      peakRssMiB: round(rssKib / 1024, 1),
      verified: true,
      ...(sourceKib ? { motoPeakRssMiB: { source: round(sourceKib / 1024, 0), destination: round(destinationKib / 1024, 0) } } : {}),
      ...(has(`${tool}-${set}.note`) ? { note: read(`${tool}-${set}.note`) } : {}),
    });
  }
}
if (runs.length === 0) throw new Error(`no measurements in ${workDir}`);
const find = (tool, set) => runs.find((run) => run.tool === tool && run.dataset === set);

// Ratios ours / rclone: below 1 means s3-migrate used less.
const ratios = {};
for (const set of SETS) {
  const ours = find("ours", set);
  const rclone = find("rclone", set);
  if (!ours || !rclone) continue;
  const perUnit = set === "large" ? "cpuSecondsPerGiB" : "cpuMsPerObject";
  ratios[set] = {
    wall: round(ours.wallSeconds / rclone.wallSeconds, 2),
    cpu: round(ours.cpuSeconds / rclone.cpuSeconds, 2),
    [perUnit]: round(ours[perUnit] / rclone[perUnit], 2),
    peakRss: round(ours.peakRssMiB / rclone.peakRssMiB, 2),
  };
}

// The CLI's memory bound with its defaults, read from its own --help so it follows the code.
const help = has("cli-help.txt") ? read("cli-help.txt") : "";
const option = (name, fallback) => Number(new RegExp(`--${name} N[^\\n]*\\(default (\\d+)`).exec(help)?.[1] ?? fallback);
const defaults = {
  concurrency: option("concurrency", 8),
  partSizeMiB: option("part-size-mib", 8),
  thresholdMiB: option("threshold-mib", 8),
  partConcurrency: option("part-concurrency", 8),
  readStreams: option("read-streams", 4),
};
const baseMiB = 150;
const memoryBound = {
  formula: "(part buffers in flight x part size) + 150 MiB; one object in flight for the 1 GiB set",
  defaults,
  large: { boundMiB: defaults.partConcurrency * defaults.partSizeMiB + baseMiB },
  small: {
    formula: "(objects at once x small-object threshold, each held whole) + 150 MiB",
    boundMiB: defaults.concurrency * defaults.thresholdMiB + baseMiB,
  },
};
for (const set of SETS) {
  const ours = find("ours", set);
  if (!ours) continue;
  memoryBound[set].peakRssMiB = ours.peakRssMiB;
  memoryBound[set].within = ours.peakRssMiB <= memoryBound[set].boundMiB;
}

const results = {
  date: new Date().toISOString(),
  environment: env,
  notes: [
    "Figures are for the copy process alone (GNU time), not seeding or verification.",
    "Both endpoints are moto servers on this machine: wall time measures moto more than the tools; client CPU-seconds measure the tools.",
    "Ratios are s3-migrate / rclone: below 1 means s3-migrate used less.",
  ],
  runs,
  ratios,
  memoryBound,
  ...(profileSummaryPath ? { cpuProfile: JSON.parse(readFileSync(profileSummaryPath, "utf8")) } : {}),
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

// The table.
const table = [["tool", "data set", "wall s", "CPU s (user+sys)", "CPU s / GiB", "CPU ms / object", "peak RSS MiB"]];
for (const run of runs) {
  table.push([
    run.toolName,
    run.datasetName,
    run.wallSeconds.toFixed(2),
    `${run.cpuSeconds.toFixed(2)} (${run.userSeconds.toFixed(2)}+${run.systemSeconds.toFixed(2)})`,
    run.cpuSecondsPerGiB?.toFixed(2) ?? "-",
    run.cpuMsPerObject?.toFixed(2) ?? "-",
    run.peakRssMiB.toFixed(1),
  ]);
}
for (const [set, ratio] of Object.entries(ratios)) {
  table.push([
    "ratio ours/rclone",
    SET_NAMES[set],
    ratio.wall.toFixed(2),
    ratio.cpu.toFixed(2),
    ratio.cpuSecondsPerGiB?.toFixed(2) ?? "-",
    ratio.cpuMsPerObject?.toFixed(2) ?? "-",
    ratio.peakRss.toFixed(2),
  ]);
}
const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
const line = (row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
console.log("");
console.log(line(table[0]));
console.log(widths.map((width) => "-".repeat(width)).join("  "));
for (const [index, row] of table.slice(1).entries()) {
  if (index === runs.length) console.log(widths.map((width) => "-".repeat(width)).join("  "));
  console.log(line(row));
}
console.log("");
for (const set of SETS) {
  const bound = memoryBound[set];
  if (bound.peakRssMiB === undefined) continue;
  const how =
    set === "large"
      ? `${defaults.partConcurrency} parts in flight x ${defaults.partSizeMiB} MiB + ${baseMiB} MiB`
      : `${defaults.concurrency} objects at once x ${defaults.thresholdMiB} MiB threshold + ${baseMiB} MiB`;
  console.log(
    `memory bound of s3-migrate, ${SET_NAMES[set]}: ${how} = ${bound.boundMiB} MiB; peak RSS ${bound.peakRssMiB.toFixed(1)} MiB: ${bound.within ? "WITHIN the bound" : "OVER the bound"}`,
  );
}
if (env.startupCpuSeconds) {
  console.log(
    `process start-up alone (CPU s, included above): s3-migrate \`copy --help\` ${env.startupCpuSeconds.ours}, rclone \`version\` ${env.startupCpuSeconds.rclone}`,
  );
}
for (const run of runs) if (run.note) console.log(`note (${run.toolName}, ${run.datasetName}): ${run.note}`);
console.log(`\nresults written to ${resultsPath}`);

function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
