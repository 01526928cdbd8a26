/**
 * The regions-and-owners matrix (issue 21): the shapes of a real migration, each set up on the
 * test bed's region front (test/setup/moto_regions.py) so that a request signed for the wrong
 * region, a bucket of the other partition or a wrong owner is refused as S3 refuses it. The
 * caller's own services are in us-east-1; the source moto server plays the Global partition,
 * the destination server China. Used by test/integration/regions/*.test.ts, which run each shape
 * through the CLI and through the deployed functions.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { MIB } from "@s3-migrate/transfer";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "./endpoints.js";
import { countsMoved, type RegionCounts, regionCounts } from "./regionFront.js";
import { assumeRole } from "./signedRequests.js";
import { putMultipartObject, randomBody } from "./transferBed.js";

/** Where the caller's own services (SSM, SQS, DynamoDB) and its role-side S3 home are. */
export const OWN_REGION = "us-east-1";
/** moto's default account, whose access key (`testing`) the role side uses. */
export const DEFAULT_ACCOUNT = "123456789012";
/** The second account, whose temporary keys moto's STS hands out. */
export const OTHER_ACCOUNT = "111111111111";

/** One side of a shape: the partition's server, the bucket's region, and who owns it. */
export interface ShapeSide {
  readonly partition: "global" | "china";
  readonly region: string;
  readonly account: "default" | "other";
}

/** One shape of a migration. */
export interface Shape {
  readonly name: string;
  readonly source: ShapeSide;
  readonly destination: ShapeSide;
  /** The side whose keys are stored (SSM SecureString), and the region the stored keys say. */
  readonly keyed?: { readonly side: "source" | "destination"; readonly storedRegion: string };
  /** Owners given in the configuration (pairs' src_owner/des_owner, --source-owner/--dest-owner). */
  readonly owners?: boolean;
  readonly serverSide?: boolean;
}

/**
 * The matrix. Each keyed side's stored region differs from its bucket's where the shape is about
 * that (a China bucket in cn-north-1, keys saying cn-northwest-1).
 */
export const SHAPES: readonly Shape[] = [
  {
    name: "one region",
    source: { partition: "global", region: "us-east-1", account: "default" },
    destination: { partition: "global", region: "us-east-1", account: "default" },
  },
  {
    name: "two regions, one identity (buckets in us-west-2 and eu-west-1, caller in us-east-1)",
    source: { partition: "global", region: "us-west-2", account: "default" },
    destination: { partition: "global", region: "eu-west-1", account: "default" },
  },
  {
    name: "two accounts, owners bound (the destination's keys are the other account's)",
    source: { partition: "global", region: "us-west-2", account: "default" },
    destination: { partition: "global", region: "eu-west-1", account: "other" },
    keyed: { side: "destination", storedRegion: "eu-west-1" },
    owners: true,
  },
  {
    name: "Global to China, PUT (bucket in cn-north-1, keys saying cn-northwest-1)",
    source: { partition: "global", region: "us-west-2", account: "default" },
    destination: { partition: "china", region: "cn-north-1", account: "default" },
    keyed: { side: "destination", storedRegion: "cn-northwest-1" },
  },
  {
    name: "China to Global, GET (bucket in cn-north-1, keys saying cn-northwest-1)",
    source: { partition: "china", region: "cn-north-1", account: "default" },
    destination: { partition: "global", region: "eu-west-1", account: "default" },
    keyed: { side: "source", storedRegion: "cn-northwest-1" },
  },
  {
    name: "server-side copy across regions (us-west-2 to eu-west-1)",
    source: { partition: "global", region: "us-west-2", account: "default" },
    destination: { partition: "global", region: "eu-west-1", account: "default" },
    serverSide: true,
  },
];

/** The objects each shape copies: odd keys, one small and one multipart (fanned out by the deployed worker at SMALL_FANOUT_ENV). */
export const SHAPE_OBJECTS: Readonly<Record<string, number>> = {
  "odd/a +b%é.txt": 1_000,
  "odd/big 😀.bin": 11 * MIB + 7,
};

/** A shape set up on the test bed: its buckets, their objects and the keyed side's stored keys. */
export interface ShapeBed {
  readonly shape: Shape;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  /** The moto server of each side's partition. */
  readonly sourceEndpoint: string;
  readonly destinationEndpoint: string;
  /** The SSM parameter holding the keyed side's keys, when the shape has one. */
  readonly credentialsParameter?: string;
  readonly bodies: ReadonlyMap<string, Buffer>;
  /** The account id of each side's bucket. */
  readonly sourceOwner: string;
  readonly destinationOwner: string;
  /** A client of the destination bucket as its owner (in its region, with its account's keys). */
  readonly destinationReader: S3Client;
}

/** The moto server that plays `partition`. */
export function serverOf(partition: ShapeSide["partition"]): string {
  const { source, destination } = testEndpoints();
  return partition === "global" ? source.endpoint : destination.endpoint;
}

/**
 * Creates the shape's two buckets (in their regions, by their accounts), the source's objects,
 * and the keyed side's stored keys in SSM (SecureString, in {@link OWN_REGION}).
 */
export async function openShape(shape: Shape, tag: string): Promise<ShapeBed> {
  const global = serverOf("global");
  const other = await assumeRole(global, makeS3Client(global, OWN_REGION), OTHER_ACCOUNT);
  const credentialsOf = (account: ShapeSide["account"]) =>
    account === "other" ? other : { accessKeyId: "testing", secretAccessKey: "testing" };
  const clientOf = (side: ShapeSide) => makeS3Client(serverOf(side.partition), side.region, { credentials: credentialsOf(side.account) });
  const sourceBucket = await createBucket(clientOf(shape.source), uniqueBucketName(`${tag}-src`));
  const destinationBucket = await createBucket(clientOf(shape.destination), uniqueBucketName(`${tag}-dst`));
  const bodies = new Map(Object.entries(SHAPE_OBJECTS).map(([key, size]) => [key, randomBody(size)]));
  const source = clientOf(shape.source);
  for (const [key, body] of bodies) {
    if (body.length > 5 * MIB) await putMultipartObject(source, sourceBucket, key, body, 5 * MIB);
    else await putObject(source, sourceBucket, key, body);
  }
  let credentialsParameter: string | undefined;
  if (shape.keyed !== undefined) {
    const side = shape.keyed.side === "source" ? shape.source : shape.destination;
    const keys = credentialsOf(side.account);
    credentialsParameter = `/${tag}-${process.pid}/credentials`;
    const ssm = new SSMClient({ region: OWN_REGION, endpoint: global, credentials: credentialsOf("default") });
    await ssm.send(
      new PutParameterCommand({
        Name: credentialsParameter,
        Type: "SecureString",
        Overwrite: true,
        Value: JSON.stringify({
          aws_access_key_id: keys.accessKeyId,
          aws_secret_access_key: keys.secretAccessKey,
          ...("sessionToken" in keys ? { aws_session_token: keys.sessionToken } : {}),
          region: shape.keyed.storedRegion,
          endpoint: serverOf(side.partition),
        }),
      }),
    );
  }
  const accountOf = (side: ShapeSide) => (side.account === "other" ? OTHER_ACCOUNT : DEFAULT_ACCOUNT);
  return {
    shape,
    sourceBucket,
    destinationBucket,
    sourceEndpoint: serverOf(shape.source.partition),
    destinationEndpoint: serverOf(shape.destination.partition),
    ...(credentialsParameter === undefined ? {} : { credentialsParameter }),
    bodies,
    sourceOwner: accountOf(shape.source),
    destinationOwner: accountOf(shape.destination),
    destinationReader: clientOf(shape.destination),
  };
}

/** Each side's home region: where its client asks for a bucket's region (the stored keys' region on the keyed side). */
export function homeRegions(shape: Shape): { source: string; destination: string } {
  const home = (side: "source" | "destination") => (shape.keyed?.side === side ? shape.keyed.storedRegion : OWN_REGION);
  return { source: home("source"), destination: home("destination") };
}

/** What the front saw of both buckets, read together. */
export async function shapeCounts(bed: ShapeBed): Promise<{ source: RegionCounts; destination: RegionCounts }> {
  const [source, destination] = await Promise.all([
    regionCounts(bed.sourceEndpoint, bed.sourceBucket),
    regionCounts(bed.destinationEndpoint, bed.destinationBucket),
  ]);
  return { source, destination };
}

/** What the front saw of both buckets since `before` (from {@link shapeCounts}). */
export async function shapeCountsSince(bed: ShapeBed, before: { source: RegionCounts; destination: RegionCounts }) {
  const after = await shapeCounts(bed);
  return { source: countsMoved(before.source, after.source), destination: countsMoved(before.destination, after.destination) };
}

/**
 * What a clean run of `setups` side-client sets (a CLI process: 1; the jobsender and the worker:
 * 2) costs each bucket at the front: each set asks the bucket's region once, from its side's home
 * region, and that answer is a 301 unless the home is the bucket's region; nothing is refused.
 */
export function cleanRunCounts(shape: Shape, setups: number) {
  const home = homeRegions(shape);
  const expected = (side: "source" | "destination") => {
    const lookups = home[side] === shape[side].region ? {} : { [home[side]]: setups };
    return { redirects: Object.keys(lookups).length * setups, redirectsBySigningRegion: lookups, ownerRefusals: 0, partitionRefusals: 0 };
  };
  return { source: expected("source"), destination: expected("destination") };
}

/** The destination's copy of each source object under `prefix`, compared byte for byte; the keys that differ or are missing. */
export async function destinationMismatches(bed: ShapeBed, prefix: string): Promise<string[]> {
  const client = bed.destinationReader;
  const wrong: string[] = [];
  for (const [key, body] of bed.bodies) {
    const copy = await readObject(client, bed.destinationBucket, `${prefix}${key}`).catch(() => undefined);
    if (copy === undefined || !copy.equals(body)) wrong.push(key);
  }
  return wrong;
}
