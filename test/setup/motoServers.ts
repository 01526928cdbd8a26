/**
 * Vitest globalSetup of the `integration` project: starts two independent moto servers, one
 * playing the source account (us-east-1) and one the destination (China) side, hands their URLs
 * to tests through `provide`/`inject`, and makes sure neither outlives the run.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the moto server playing the source side, e.g. `http://127.0.0.1:41234`. */
    sourceEndpoint: string;
    /** Base URL of the moto server playing the destination side, independent of the source. */
    destinationEndpoint: string;
  }
}

type Role = "source" | "destination";

interface MotoServer {
  readonly role: Role;
  readonly endpoint: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  spawnError?: Error;
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const logDir = path.join(repoRoot, ".tmp");

/**
 * Starts moto like `python3 -m moto.server -H HOST -p PORT`, with the fixes to moto's lies that
 * the tests rely on (see its header; `S3M_MOTO_PATCHES=off` leaves them out). `--parent-pid`
 * makes Linux SIGTERM the server when this Node process dies: exit hooks cannot run when vitest
 * is SIGKILLed (OOM killer, CI timeout), and an orphaned server would hold memory and ports.
 */
const LAUNCHER = path.join(repoRoot, "test/setup/moto_server.py");

const live = new Set<MotoServer>();

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureMoto();
  mkdirSync(logDir, { recursive: true });
  installExitHooks();

  const results = await Promise.allSettled([startMoto("source"), startMoto("destination")]);
  const servers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) {
    await Promise.all(servers.map(stopMoto));
    removeExitHooks();
    throw failure.reason;
  }
  const [source, destination] = servers as [MotoServer, MotoServer];
  project.provide("sourceEndpoint", source.endpoint);
  project.provide("destinationEndpoint", destination.endpoint);
  console.log(`moto: source ${source.endpoint}, destination ${destination.endpoint} (logs in .tmp/moto-*.log)`);
  if (process.env.S3M_MOTO_PATCHES === "off") {
    console.warn("moto: S3M_MOTO_PATCHES=off, moto runs UNPATCHED; tests of atomic writes and versioned listings will fail");
  }

  return async () => {
    await Promise.all(servers.map(stopMoto));
    removeExitHooks();
  };
}

function ensureMoto(): void {
  const probe = spawnSync("python3", ["-c", "import moto, flask, flask_cors"], { stdio: "ignore" });
  if (probe.status === 0) return;
  const script = path.join(repoRoot, "scripts/ensure-moto.sh");
  const install = spawnSync("bash", [script], { stdio: "inherit" });
  if (install.status !== 0) {
    throw new Error(
      `moto server is not importable by python3 and ${script} could not install it; run: python3 -m pip install 'moto[server]'`,
    );
  }
}

/** Starts one server; retries on a new port only if another process grabbed the probed one. */
async function startMoto(role: Role): Promise<MotoServer> {
  for (let attempt = 1; ; attempt++) {
    const server = spawnMoto(role, await freePort());
    try {
      await waitUntilReady(server);
      return server;
    } catch (error) {
      await stopMoto(server);
      if (attempt < PORT_ATTEMPTS && logTail(server.logFile).includes("Address already in use")) {
        continue;
      }
      throw error;
    }
  }
}

function spawnMoto(role: Role, port: number): MotoServer {
  const logFile = path.join(logDir, `moto-${role}.log`);
  const fd = openSync(logFile, "w");
  try {
    const args = [LAUNCHER, "--parent-pid", String(process.pid), "-H", HOST, "-p", String(port)];
    // detached: own process group, so teardown can kill the whole group and a terminal Ctrl-C
    // reaches only vitest, which then shuts the servers down in order.
    const child = spawn("python3", args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    const server: MotoServer = { role, endpoint: `http://${HOST}:${port}`, child, logFile };
    child.on("error", (error) => {
      server.spawnError = error;
    });
    live.add(server);
    return server;
  } finally {
    closeSync(fd);
  }
}

async function waitUntilReady(server: MotoServer): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.spawnError || hasExited(server.child)) {
      const why = server.spawnError?.message ?? `exit code ${server.child.exitCode}`;
      throw startupError(server, `exited before answering (${why})`);
    }
    try {
      const response = await fetch(`${server.endpoint}/moto-api/`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw startupError(server, `did not answer within ${READY_TIMEOUT_MS / 1000} s`);
}

function startupError(server: MotoServer, what: string): Error {
  return new Error(
    `moto ${server.role} server at ${server.endpoint} ${what}. Last lines of ${server.logFile}:\n${logTail(server.logFile)}`,
  );
}

async function stopMoto(server: MotoServer): Promise<void> {
  const { child } = server;
  if (!hasExited(child) && child.pid !== undefined) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    killGroup(child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  live.delete(server);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function killAllNow(): void {
  for (const server of live) {
    if (server.child.pid !== undefined) killGroup(server.child.pid, "SIGKILL");
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  // Adding a listener disables Node's default "terminate"; restore it unless vitest handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installExitHooks(): void {
  process.once("exit", killAllNow);
  for (const signal of SIGNALS) process.once(signal, onSignal);
}

function removeExitHooks(): void {
  process.off("exit", killAllNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
