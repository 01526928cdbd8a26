import { DescribeKeyCommand, GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { partitionOf, type Side } from "@s3-migrate/transfer";
import { describeAnswer, isDenied, nameOf, sendOptions } from "./answers.js";
import type { EncryptionFinding, ProbeResult } from "./preflightTypes.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/** The key to probe: a bucket's default encryption, and who asks. */
export interface KmsTarget {
  readonly side: Side;
  readonly bucket: string;
  /** The bucket's region: the key's, unless the key is named by an ARN. */
  readonly region?: string;
  readonly encryption: EncryptionFinding;
  readonly signal?: AbortSignal;
}

/** KMS errors that say the key cannot be used (rather than that the check could not be made). */
const UNUSABLE = new Set([
  "AccessDeniedException",
  "DisabledException",
  "KMSInvalidStateException",
  "NotFoundException",
  "KeyUnavailableException",
  "InvalidKeyUsageException",
  "IncorrectKeyException",
]);

/**
 * Whether the side's identity can use the bucket's default SSE-KMS key, asked of KMS directly with
 * the side's own credentials: DescribeKey (the key exists, is `Enabled`, and we may see it) and,
 * for the destination, GenerateDataKey with the encryption context S3 uses (what every write to
 * the bucket makes S3 do on the writer's behalf). A source's kms:Decrypt is proven by the read
 * probe of an encrypted object instead: KMS has no way to ask for it without a ciphertext.
 *
 * A key policy that admits the identity only through S3 (`kms:ViaService`) refuses these direct
 * calls although the copies would work; the message says so, and `--write-probe` asks through S3.
 * The AWS managed key (`aws/s3`, no key id in the bucket's configuration) is not probed: only the
 * bucket owner's account can use it, and our DescribeKey of `alias/aws/s3` would describe our own.
 *
 * @example
 * await probeKmsKey(kms, { side: "destination", bucket: "dst", region: "eu-west-1", encryption: { algorithm: "aws:kms", kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k" } })
 * // { kms: { outcome: "refused", detail: "key ... is Disabled" }, problems: [{ code: "KmsDenied", ... }] }
 */
export async function probeKmsKey(
  kmsFor: ((side: Side, region: string) => KMSClient) | undefined,
  target: KmsTarget,
): Promise<{ kms: ProbeResult; problems: PreflightProblem[] }> {
  const { encryption } = target;
  const skipped = (detail: string) => ({ kms: { outcome: "skipped" as const, detail }, problems: [] });
  if (encryption.algorithm !== "aws:kms" && encryption.algorithm !== "aws:kms:dsse") return skipped("no SSE-KMS default encryption");
  const keyId = encryption.kmsKeyId;
  if (keyId === undefined) return skipped("the AWS managed key aws/s3: only the bucket owner's account can use it (not probed)");
  const region = keyRegion(keyId) ?? target.region;
  if (kmsFor === undefined || region === undefined) return skipped(`key ${keyId} not probed (no KMS client for the ${target.side} side)`);
  const kms = kmsFor(target.side, region);
  const where = `${target.side} bucket s3://${target.bucket}: default encryption key ${keyId}`;
  const refused = (detail: string, finding: string) => ({
    kms: { outcome: "refused" as const, detail },
    problems: [preflightProblem("KmsDenied", `${where}: ${finding}`)],
  });
  try {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }), sendOptions(target.signal));
    const state = described?.KeyMetadata?.KeyState;
    if (state !== undefined && state !== "Enabled") return refused(`key is ${state}`, `the key is ${state}, so S3 cannot use it`);
    if (target.side === "destination") await generateDataKey(kms, keyId, target, region);
    return {
      kms: { outcome: "ok", detail: target.side === "destination" ? "DescribeKey, GenerateDataKey" : "DescribeKey" },
      problems: [],
    };
  } catch (error) {
    if (UNUSABLE.has(nameOf(error)) || isDenied(error))
      return refused(
        nameOf(error),
        `KMS refused ${target.side === "destination" ? "DescribeKey or GenerateDataKey" : "DescribeKey"} (${describeAnswer(error)}); a key policy that admits the identity only through S3 (kms:ViaService) refuses this direct probe although copies would work: --write-probe asks through S3`,
      );
    return {
      kms: { outcome: "failed", detail: nameOf(error) },
      problems: [preflightProblem("CheckFailed", `${where}: KMS did not answer: ${describeAnswer(error)}`)],
    };
  }
}

/** GenerateDataKey with the context S3 gives KMS for a write to the bucket. */
async function generateDataKey(kms: KMSClient, keyId: string, target: KmsTarget, region: string): Promise<void> {
  await kms.send(
    new GenerateDataKeyCommand({
      KeyId: keyId,
      KeySpec: "AES_256",
      EncryptionContext: { "aws:s3:arn": `arn:${partitionOf(region)}:s3:::${target.bucket}` },
    }),
    sendOptions(target.signal),
  );
}

/** The region of a key or alias ARN (`arn:aws:kms:eu-west-1:111122223333:key/...`); undefined for a bare id or alias. */
export function keyRegion(keyId: string): string | undefined {
  const parts = keyId.split(":");
  return parts[0] === "arn" && parts[2] === "kms" && parts[3] !== "" ? parts[3] : undefined;
}
