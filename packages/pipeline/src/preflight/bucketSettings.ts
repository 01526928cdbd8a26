import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetObjectLockConfigurationCommand } from "@aws-sdk/client-s3";
import { describeAnswer, nameOf, sendOptions } from "./answers.js";
import type { EncryptionFinding, ObjectLockFinding, SideS3Client, VersioningFinding } from "./preflightTypes.js";

/** A bucket's versioning, Object Lock and default encryption, and a note for each that could not be read. */
export interface BucketSettings {
  readonly versioning: VersioningFinding;
  readonly objectLock: ObjectLockFinding;
  readonly encryption: EncryptionFinding;
  readonly notes: readonly string[];
}

/**
 * Reads a bucket's versioning, Object Lock configuration and default encryption (three GETs of
 * its configuration, sent in parallel). None of them is needed to copy, so an identity that may
 * not read one (s3:GetBucketVersioning, s3:GetBucketObjectLockConfiguration,
 * s3:GetEncryptionConfiguration) gets `Unknown` and a note, not a problem.
 *
 * @example
 * const { versioning, encryption } = await readBucketSettings(clients.destination, "dst");
 * // versioning "Enabled", encryption { algorithm: "aws:kms", kmsKeyId: "arn:aws:kms:...", bucketKey: true }
 */
export async function readBucketSettings(client: SideS3Client, bucket: string, signal?: AbortSignal): Promise<BucketSettings> {
  const notes: string[] = [];
  const unreadable = (what: string) => (error: unknown) => {
    notes.push(`${what} could not be read: ${describeAnswer(error)}`);
    return undefined;
  };
  const options = sendOptions(signal);
  const [versioning, objectLock, encryption] = await Promise.all([
    client.send(new GetBucketVersioningCommand({ Bucket: bucket }), options).then(versioningOf, unreadable("versioning")),
    client
      .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }), options)
      .then(objectLockOf, absentAs("ObjectLockConfigurationNotFoundError", { state: "Off" } as const, unreadable("Object Lock"))),
    client
      .send(new GetBucketEncryptionCommand({ Bucket: bucket }), options)
      .then(
        encryptionOf,
        absentAs("ServerSideEncryptionConfigurationNotFoundError", { algorithm: "None" } as const, unreadable("encryption")),
      ),
  ]);
  return {
    versioning: versioning ?? "Unknown",
    objectLock: objectLock ?? { state: "Unknown" },
    encryption: encryption ?? { algorithm: "Unknown" },
    notes,
  };
}

/** What S3 answers for a configuration a bucket does not have is an error of `name`: that is `absent`. */
function absentAs<T>(name: string, absent: T, otherwise: (error: unknown) => undefined): (error: unknown) => T | undefined {
  return (error) => (nameOf(error) === name ? absent : otherwise(error));
}

function versioningOf(answer: { Status?: string } | undefined): VersioningFinding {
  const status = answer?.Status;
  return status === "Enabled" || status === "Suspended" ? status : "Off";
}

function objectLockOf(
  answer:
    | {
        ObjectLockConfiguration?: {
          ObjectLockEnabled?: string;
          Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } };
        };
      }
    | undefined,
): ObjectLockFinding {
  const configuration = answer?.ObjectLockConfiguration;
  if (configuration?.ObjectLockEnabled !== "Enabled") return { state: "Off" };
  const retention = configuration.Rule?.DefaultRetention;
  if (retention?.Mode === undefined) return { state: "Enabled" };
  const length = retention.Years !== undefined ? `${retention.Years} years` : `${retention.Days ?? 0} days`;
  return { state: "Enabled", defaultRetention: `${retention.Mode} ${length}` };
}

function encryptionOf(
  answer:
    | {
        ServerSideEncryptionConfiguration?: {
          Rules?: Array<{
            ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
            BucketKeyEnabled?: boolean;
          }>;
        };
      }
    | undefined,
): EncryptionFinding {
  const rule = answer?.ServerSideEncryptionConfiguration?.Rules?.[0];
  const algorithm = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  if (algorithm !== "AES256" && algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") return { algorithm: "None" };
  const key = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
  return {
    algorithm,
    ...(key === undefined || algorithm === "AES256" ? {} : { kmsKeyId: key }),
    ...(rule?.BucketKeyEnabled === undefined ? {} : { bucketKey: rule.BucketKeyEnabled }),
  };
}
