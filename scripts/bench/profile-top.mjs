#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
// with bundle positions mapped back to the sources through the bundle's source map when there is
// one, and the self time grouped by where the code lives (our packages, the AWS SDK, Node's own
// internals, native work such as hashing, memcpy and socket writes, which V8 shows as "(program)"
// or under the JS function that called it, and garbage collection).
//
//   node scripts/bench/profile-top.mjs PROFILE.cpuprofile [TOP=10] [--json OUT]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined;
const [profilePath, topArg = "10"] = args;
if (!profilePath) {
  console.error("usage: node scripts/bench/profile-top.mjs PROFILE.cpuprofile [TOP] [--json OUT]");
  process.exit(2);
}
const top = Number(topArg);
const profile = JSON.parse(readFileSync(profilePath, "utf8"));

// Self time of every node: the sum of the time deltas of the samples that landed in it.
const selfUs = new Map();
for (let index = 0; index < profile.samples.length; index++) {
  const id = profile.samples[index];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);

const sourceMaps = new Map();
function sourceMapFor(url) {
  if (!sourceMaps.has(url)) {
    let map;
    try {
      const file = fileURLToPath(url);
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = undefined;
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

/** Repository-relative path of a file, with pnpm's `node_modules/.pnpm/<pkg>/node_modules/` shortened away. */
function shortPath(file) {
  return relative(process.cwd(), file).replace(/^(\.\.\/)*(.*\/)?node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "");
}

/** "function (file:line)" of a call frame, through the source map when the frame is in a bundle. */
function describe(frame) {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return { name, where: "", file: "" };
  if (!frame.url.startsWith("file://")) return { name, where: `${frame.url}:${frame.lineNumber + 1}`, file: frame.url };
  const bundle = fileURLToPath(frame.url);
  const entry = sourceMapFor(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  const file = shortPath(entry?.originalSource ? resolve(dirname(bundle), entry.originalSource) : bundle);
  const line = entry?.originalSource ? entry.originalLine + 1 : frame.lineNumber + 1;
  return { name, where: `${file}:${line}`, file };
}

function area(frame, file) {
  const name = frame.functionName;
  if (name === "(garbage collector)") return "garbage collection";
  if (name === "(idle)") return "idle";
  if (name === "(program)" || name === "(root)") return "native / VM (program)";
  if (/^packages\/[^/]+\/src\//.test(file)) return "s3-migrate (packages/*/src)";
  if (/^@(aws-sdk|smithy|aws-crypto)\//.test(file)) return "AWS SDK (@aws-sdk, @smithy)";
  if (frame.url.startsWith("node:") || frame.url === "") return "Node.js internals (node:*) and native builtins";
  return "other dependencies";
}

// The nearest caller outside Node's internals, so that e.g. `update` (node:internal/crypto/hash)
// is shown with the code of ours or the SDK's that hashes.
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
function callerOf(node) {
  for (let parent = parentOf.get(node.id); parent !== undefined; parent = parentOf.get(parent.id)) {
    if (parent.callFrame.url.startsWith("file://")) return describe(parent.callFrame);
  }
  return undefined;
}

const byFunction = new Map();
const byArea = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { name, where, file } = describe(node.callFrame);
  const key = `${name}\u0000${where}`;
  const entry = byFunction.get(key) ?? { name, where, us: 0, callers: new Map() };
  entry.us += us;
  const caller = node.callFrame.url.startsWith("file://") ? undefined : callerOf(nodeById.get(node.id));
  if (caller !== undefined) {
    const label = `${caller.name} ${caller.where}`;
    entry.callers.set(label, (entry.callers.get(label) ?? 0) + us);
  }
  byFunction.set(key, entry);
  const group = area(node.callFrame, file);
  byArea.set(group, (byArea.get(group) ?? 0) + us);
}

const busyUs = totalUs - (byArea.get("idle") ?? 0);
const ranked = [...byFunction.values()].filter((entry) => entry.name !== "(idle)").sort((a, b) => b.us - a.us);
const mainCaller = (entry) => [...entry.callers].sort((a, b) => b[1] - a[1])[0];
const percent = (us) => `${((us / busyUs) * 100).toFixed(1)}%`;
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;

console.log(`profile ${profilePath}: ${ms(totalUs)} sampled, ${ms(busyUs)} busy (not idle)`);
console.log(`top ${top} functions by self time (share of busy time):`);
for (const [index, entry] of ranked.slice(0, top).entries()) {
  console.log(
    `  ${String(index + 1).padStart(2)}. ${ms(entry.us).padStart(8)}  ${percent(entry.us).padStart(6)}  ${entry.name}${entry.where ? `  ${entry.where}` : ""}`,
  );
  const caller = mainCaller(entry);
  if (caller !== undefined && caller[1] >= entry.us / 4)
    console.log(`${" ".repeat(24)}mostly called from ${caller[0]} (${percent(caller[1])})`);
}
console.log("self time by area:");
for (const [group, us] of [...byArea].filter(([group]) => group !== "idle").sort((a, b) => b[1] - a[1])) {
  console.log(`  ${ms(us).padStart(8)}  ${percent(us).padStart(6)}  ${group}`);
}
if (jsonOut) {
  const summary = {
    profile: profilePath,
    sampledMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    top: ranked.slice(0, top).map((entry) => ({
      function: entry.name,
      where: entry.where,
      selfMs: entry.us / 1000,
      shareOfBusy: entry.us / busyUs,
      ...(mainCaller(entry) === undefined ? {} : { mainCaller: mainCaller(entry)[0], mainCallerMs: mainCaller(entry)[1] / 1000 }),
    })),
    byArea: Object.fromEntries([...byArea].map(([group, us]) => [group, us / 1000])),
  };
  writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
}
