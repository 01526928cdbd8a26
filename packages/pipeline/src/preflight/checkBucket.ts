import type { BucketFacts, Side } from "@s3-migrate/transfer";
import { type BucketSettings, readBucketSettings } from "./bucketSettings.js";
import { configuredPartitionProblem } from "./configProblems.js";
import { type BucketLocation, locateBucket } from "./locateBucket.js";
import type { BucketRow, PreflightClients, PreflightOptions, ProbeResult } from "./preflightTypes.js";
import { probeList, probeRead, probeWrite } from "./probeAccess.js";
import { probeKmsKey } from "./probeKms.js";
import type { PreflightProblem } from "./problems.js";

/** One bucket of one route, with what the configuration says of it. */
export interface BucketTarget {
  readonly side: Side;
  readonly bucket: string;
  /** What the route lists (source) or writes (destination). */
  readonly prefix: string;
  readonly facts?: BucketFacts;
  /** The region the side's identity signs for. */
  readonly home: string;
}

/** What a bucket is, whatever prefix a route uses: where, whose, its settings and its KMS key. */
interface BucketWide {
  readonly location: BucketLocation;
  readonly settings?: BucketSettings;
  readonly kms: ProbeResult;
  readonly problems: readonly PreflightProblem[];
}

/**
 * Checks the buckets of a run, each bucket's own properties once however many routes name it
 * (`BucketWide`, memoised per side and bucket), each route's probes under its own prefix.
 */
export class BucketChecks {
  readonly #clients: PreflightClients;
  readonly #options: PreflightOptions;
  readonly #known = new Map<string, Promise<BucketWide>>();

  constructor(clients: PreflightClients, options: PreflightOptions = {}) {
    this.#clients = clients;
    this.#options = options;
  }

  /**
   * The row of one bucket of one route, in named steps: the bucket (located, its settings read,
   * its KMS key probed; once), then listing, reading and (when asked) writing under the prefix.
   * A bucket that was not reached (missing, another owner's, refused) gets no further request.
   */
  async row(target: BucketTarget): Promise<BucketRow> {
    const wide = await this.#bucketWide(target);
    if (!wide.location.reachable) return assemble(target, wide, unreached(wide), unreached(wide), unreached(wide), []);
    const client = this.#clients[target.side];
    const probe = { side: target.side, bucket: target.bucket, prefix: target.prefix, ...this.#signal() };
    const list = await probeList(client, probe);
    const read = await probeRead(client, probe, list.firstKey);
    const write = await probeWrite(client, probe, {
      enabled: this.#options.writeProbe ?? false,
      ...(wide.settings?.objectLock.defaultRetention === undefined ? {} : { defaultRetention: wide.settings.objectLock.defaultRetention }),
    });
    return assemble(target, wide, list.result, read.result, write.result, [list, read, write]);
  }

  #bucketWide(target: BucketTarget): Promise<BucketWide> {
    const id = `${target.side}\n${target.bucket}`;
    let known = this.#known.get(id);
    if (known === undefined) {
      known = this.#inspect(target);
      this.#known.set(id, known);
    }
    return known;
  }

  async #inspect(target: BucketTarget): Promise<BucketWide> {
    const partition = configuredPartitionProblem(target.side, target.bucket, target.facts, target.home);
    if (partition !== undefined) return notAsked(target, partition);
    const client = this.#clients[target.side];
    const location = await locateBucket(client, { ...target, ...this.#signal() });
    if (!location.reachable) return { location, kms: unreached({ location }), problems: location.problems };
    const settings = await readBucketSettings(client, target.bucket, this.#options.signal);
    const kms = await probeKmsKey(this.#clients.kms, {
      side: target.side,
      bucket: target.bucket,
      ...(location.region.found === undefined ? {} : { region: location.region.found }),
      encryption: settings.encryption,
      ...this.#signal(),
    });
    return { location, settings, kms: kms.kms, problems: [...location.problems, ...kms.problems] };
  }

  #signal(): { signal?: AbortSignal } {
    return this.#options.signal === undefined ? {} : { signal: this.#options.signal };
  }
}

/** A bucket configured where its side cannot reach: reported, never asked. */
function notAsked(target: BucketTarget, problem: PreflightProblem): BucketWide {
  const location: BucketLocation = {
    reachable: false,
    region: target.facts?.region === undefined ? {} : { configured: target.facts.region },
    owner: { ...(target.facts?.owner === undefined ? {} : { expected: target.facts.owner }), check: "unknown" },
    problems: [problem],
  };
  return { location, kms: unreached({ location }), problems: [problem] };
}

function unreached(wide: Pick<BucketWide, "location">): ProbeResult {
  const first = wide.location.problems[0];
  return { outcome: "skipped", detail: first === undefined ? "bucket not reached" : `bucket not reached (${first.code})` };
}

function assemble(
  target: BucketTarget,
  wide: BucketWide,
  list: ProbeResult,
  read: ProbeResult,
  write: ProbeResult,
  probes: ReadonlyArray<{ readonly problems: readonly PreflightProblem[]; readonly notes: readonly string[] }>,
): BucketRow {
  const { location, settings } = wide;
  return {
    side: target.side,
    bucket: target.bucket,
    prefix: target.prefix,
    reached: location.reachable,
    region: location.region,
    ...(location.partition === undefined ? {} : { partition: location.partition }),
    owner: location.owner,
    versioning: settings?.versioning ?? "Unknown",
    objectLock: settings?.objectLock ?? { state: "Unknown" },
    encryption: settings?.encryption ?? { algorithm: "Unknown" },
    kms: wide.kms,
    list,
    read,
    write,
    notes: [...(settings?.notes ?? []), ...probes.flatMap((probe) => probe.notes)],
    problems: [...wide.problems, ...probes.flatMap((probe) => probe.problems)],
  };
}
