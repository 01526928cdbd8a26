import { applyStoredCredentials, ConfigError, type EndpointConfig, parseStoredCredentials } from "@s3-migrate/transfer";
import { bucketFactsOf, type NamedBucket } from "./bucketFacts.js";
import { type BucketPair, parseBucketPairs } from "./bucketPairs.js";
import type { FunctionEnvironment } from "./environment.js";
import { type IgnoreList, parseIgnoreList } from "./ignoreList.js";
import type { ParameterStore } from "./parameterStore.js";

/** What the functions load from SSM at the start of a run. */
export interface RuntimeConfig {
  readonly pairs: readonly BucketPair[];
  readonly ignore: IgnoreList;
  readonly source: EndpointConfig;
  readonly destination: EndpointConfig;
}

/** Which configuration a function cannot run without. */
export interface ConfigNeeds {
  /**
   * `required`: the jobsender (it lists the pairs); `optional`: a worker that also takes S3
   * events may have no pairs at all (an absent parameter or `[]`).
   */
  readonly pairs: "required" | "optional";
  /** Buckets the configuration names outside the pairs (the S3 event route's), with their regions and owners. */
  readonly buckets?: { readonly source?: readonly NamedBucket[]; readonly destination?: readonly NamedBucket[] };
}

/**
 * Loads the bucket pairs, the ignore list and the other side's credentials from SSM, and works
 * out each side's endpoint: our own side uses the role (and the own-side endpoint override), the
 * other the stored keys, as the direction says; each side's home region is the function's own or
 * the stored keys', and each bucket carries the region and owner the configuration gives it.
 *
 * @throws ConfigError naming the parameter and field that is wrong; nothing has been sent then.
 */
export async function loadRuntimeConfig(
  parameters: ParameterStore,
  environment: FunctionEnvironment,
  needs: ConfigNeeds = { pairs: "required" },
): Promise<RuntimeConfig> {
  const pairsParameter = environment.bucketPairsParameter;
  if (needs.pairs === "required" && pairsParameter === undefined)
    throw new ConfigError("Environment variable BUCKET_PAIRS_PARAMETER is required");
  const [pairsText, ignoreText] = await Promise.all([
    pairsParameter === undefined ? Promise.resolve(undefined) : parameters.read(pairsParameter, true),
    environment.ignoreListParameter === undefined ? Promise.resolve(undefined) : parameters.read(environment.ignoreListParameter, false),
  ]);
  const own: EndpointConfig = {
    region: environment.region,
    ...(environment.ownS3Endpoint === undefined ? {} : { endpoint: environment.ownS3Endpoint, forcePathStyle: true }),
  };
  const sides =
    environment.credentialsParameter === undefined
      ? { source: own, destination: own }
      : applyStoredCredentials(
          environment.direction,
          await storedCredentials(parameters, environment.credentialsParameter, environment.allowHttpEndpoint),
          own,
          own,
        );
  const pairs =
    pairsText === undefined && needs.pairs === "optional"
      ? []
      : parseBucketPairs(pairsText ?? "", pairsParameter, { allowEmpty: needs.pairs === "optional" });
  const buckets = bucketFactsOf(pairs, needs.buckets);
  return {
    pairs,
    ignore: parseIgnoreList(ignoreText, environment.ignoreListParameter),
    source: { ...sides.source, buckets: buckets.source },
    destination: { ...sides.destination, buckets: buckets.destination },
  };
}

/** The other side's keys, from the SecureString `name`. @throws ConfigError when it is missing or malformed. */
async function storedCredentials(parameters: ParameterStore, name: string, allowHttp: boolean) {
  const text = await parameters.read(name, true);
  if (text === undefined) throw new ConfigError(`SSM parameter ${name} has no value`);
  return parseStoredCredentials(text, name, { allowHttp });
}
