import { createHash } from "node:crypto";
import { GenerateMacCommand, type KMSClient, VerifyMacCommand } from "@aws-sdk/client-kms";
import { TransientError } from "@s3-migrate/transfer";

/**
 * The authentication code of the messages this product sends to its own queue (jobs, batches,
 * ranges, continuations, S3 event records a worker queues again): an HMAC-SHA-256 that KMS
 * computes with a key it never lets out (GenerateMac, VerifyMac). The message it signs is
 * {@link MAC_DOMAIN} and the SHA-256 of the body (KMS signs at most 4 KiB; a batch is up to
 * 256 KiB), so the code binds every byte of the body and nothing else. IAM decides who holds
 * which half: the jobsender may only sign, the worker signs and verifies, an operator signs
 * through the CLI. A principal that can send to the queue but not sign is refused by the worker.
 */

/** The message attribute that carries the code (base64). */
export const MAC_ATTRIBUTE = "s3mMac";

/** What is signed besides the body's digest, so the code can never be taken for another product's. */
const MAC_DOMAIN = "s3-migrate queue message v1\n";

/** The one algorithm: the key Terraform creates is HMAC_256. */
const MAC_ALGORITHM = "HMAC_SHA_256";

/** What a message's code says of it. */
export type MacVerdict = "valid" | "missing" | "invalid";

/** Computes codes for message bodies. */
export interface MessageSigner {
  /** The code of `body`, as the value of {@link MAC_ATTRIBUTE}. */
  sign(body: string): Promise<string>;
}

/** Checks the code a message arrived with. */
export interface MessageVerifier {
  verify(body: string, mac: string | undefined): Promise<MacVerdict>;
}

/** Signs and verifies with one KMS HMAC key; each call is one KMS request. */
export class KmsMessageAuthenticator implements MessageSigner, MessageVerifier {
  /**
   * @param kms A client of the key's account and region.
   * @param keyId The HMAC_256 key (`MESSAGE_KEY_ID`: ARN, id or alias).
   */
  constructor(
    private readonly kms: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(body: string): Promise<string> {
    const answer = await this.kms.send(
      new GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: MAC_ALGORITHM, Message: signedBytes(body) }),
    );
    if (answer.Mac === undefined) throw new TransientError("KMS GenerateMac answered without a MAC");
    return Buffer.from(answer.Mac).toString("base64");
  }

  async verify(body: string, mac: string | undefined): Promise<MacVerdict> {
    if (mac === undefined || mac === "") return "missing";
    const bytes = Buffer.from(mac, "base64");
    // A code that is not 32 bytes of base64 is no code; KMS would only refuse it too.
    if (bytes.length !== 32 || bytes.toString("base64") !== mac) return "invalid";
    try {
      const answer = await this.kms.send(
        new VerifyMacCommand({ KeyId: this.keyId, MacAlgorithm: MAC_ALGORITHM, Message: signedBytes(body), Mac: bytes }),
      );
      return answer.MacValid === true ? "valid" : "invalid";
    } catch (error) {
      // KMS answers a code that does not match with an error, not with MacValid false.
      if ((error as { name?: string }).name === "KMSInvalidMacException") return "invalid";
      throw error;
    }
  }
}

/** The bytes KMS signs for a body. */
function signedBytes(body: string): Uint8Array {
  return Buffer.concat([Buffer.from(MAC_DOMAIN, "utf8"), createHash("sha256").update(body, "utf8").digest()]);
}

/** The SQS message attributes that carry a code. */
export function macAttributes(mac: string): Record<string, { DataType: "String"; StringValue: string }> {
  return { [MAC_ATTRIBUTE]: { DataType: "String", StringValue: mac } };
}

/** Bytes SQS counts for the code's attribute (name, type and value), against the 256 KiB message limit. */
export const MAC_ATTRIBUTE_BYTES = MAC_ATTRIBUTE.length + "String".length + 44;
