import { createHash } from "node:crypto";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError } from "@s3-migrate/transfer";

/**
 * How long a configuration parameter read is believed, in seconds, unless
 * `POWERTOOLS_PARAMETERS_MAX_AGE` says otherwise: long enough that a fleet of workers stays far
 * below SSM's 40 GetParameter calls a second (100 containers, 3 parameters: 1 call a second), short
 * enough that rotated keys or changed pairs reach running containers within minutes.
 */
export const PARAMETER_MAX_AGE_SECONDS = 300;

/**
 * The functions' configuration parameters (bucket pairs, ignore list, credentials), read through
 * Powertools Parameters: decrypted, and cached across invocations for `maxAgeSeconds`, so a warm
 * container reads SSM again only when the cache is stale, and sees a changed parameter then.
 */
export class ParameterStore {
  readonly #provider: SSMProvider;
  readonly #maxAgeSeconds: number;
  /** The text of each parameter as last read, to tell a change. */
  readonly #seen = new Map<string, string | undefined>();

  /** @param maxAgeSeconds - how long a read is believed (`FunctionEnvironment.parameterMaxAgeSeconds`). */
  constructor(ssm: SSMClient, maxAgeSeconds: number) {
    this.#provider = new SSMProvider({ awsSdkV3Client: ssm });
    this.#maxAgeSeconds = maxAgeSeconds;
  }

  /**
   * The parameter's text (decrypted); undefined when it does not exist and is not `required`.
   * @throws ConfigError naming the parameter when it cannot be read.
   */
  async read(name: string, required: boolean): Promise<string | undefined> {
    let value: string | undefined;
    try {
      value = await this.#provider.get(name, { decrypt: true, maxAge: this.#maxAgeSeconds });
    } catch (error) {
      const cause = (error as { cause?: { name?: string; message?: string } }).cause ?? (error as { name?: string; message?: string });
      if (!required && cause.name === "ParameterNotFound") value = undefined;
      else throw new ConfigError(`Cannot read SSM parameter ${name}: ${cause.name}: ${cause.message}`, { cause: error });
    }
    this.#seen.set(name, value);
    return value;
  }

  /**
   * A digest of every parameter read so far, as last read: two equal fingerprints mean the same
   * configuration. Read the parameters again (cheap while cached) and compare to find a change.
   */
  fingerprint(): string {
    const hash = createHash("sha256");
    for (const [name, value] of [...this.#seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
      hash.update(`${name}\u0000${value ?? "\u0001"}\u0000`);
    return hash.digest("hex");
  }
}
