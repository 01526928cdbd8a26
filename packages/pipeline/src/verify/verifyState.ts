import { readFile, rename, writeFile } from "node:fs/promises";
import type { SegmentState } from "../jobsender/passState.js";
import { FINDING_KINDS, type FindingKind } from "./classifyObject.js";

/** What an audit counted for one pair: each kind of finding, and the keys ignored. */
export type VerifyCounts = Record<FindingKind | "ignored", number>;

/** No key counted yet. */
export function emptyCounts(): VerifyCounts {
  return Object.fromEntries([...FINDING_KINDS, "ignored"].map((kind) => [kind, 0])) as VerifyCounts;
}

/** Where one pair's audit stands: its segments' cursors and what was counted up to them. */
export interface VerifyPairState {
  readonly pairId: string;
  readonly segments: readonly SegmentState[];
  readonly counts: VerifyCounts;
}

/** Keeps audit state between runs, so an interrupted audit continues where it stopped. */
export interface VerifyStateStore {
  load(pairId: string): Promise<VerifyPairState | undefined>;
  save(state: VerifyPairState): Promise<void>;
}

/**
 * Audit state in one local JSON file (`s3-migrate verify --state FILE`), written whole after
 * each round through a temporary file and a rename, so a crash leaves the previous state, never
 * half a file. Saves are serialised.
 */
export class FileVerifyState implements VerifyStateStore {
  readonly #path: string;
  #pairs: Record<string, VerifyPairState> | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async load(pairId: string): Promise<VerifyPairState | undefined> {
    return (await this.#all())[pairId];
  }

  async save(state: VerifyPairState): Promise<void> {
    const pairs = await this.#all();
    pairs[state.pairId] = state;
    const snapshot = `${JSON.stringify({ "s3-migrate-verify": 1, pairs }, null, 1)}\n`;
    this.#saving = this.#saving.then(async () => {
      await writeFile(`${this.#path}.tmp`, snapshot);
      await rename(`${this.#path}.tmp`, this.#path);
    });
    await this.#saving;
  }

  async #all(): Promise<Record<string, VerifyPairState>> {
    if (this.#pairs !== undefined) return this.#pairs;
    const text = await readFile(this.#path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    const parsed =
      text === undefined ? undefined : (JSON.parse(text) as { "s3-migrate-verify"?: number; pairs?: Record<string, VerifyPairState> });
    if (parsed !== undefined && parsed["s3-migrate-verify"] !== 1)
      throw new Error(`${this.#path} is not an s3-migrate verify state file (version 1)`);
    this.#pairs = parsed?.pairs ?? {};
    return this.#pairs;
  }
}
