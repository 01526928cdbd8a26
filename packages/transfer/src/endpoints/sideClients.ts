import type { TransferLogger } from "../observability.js";
import { BucketRegions } from "./bucketRegions.js";
import type { EndpointConfig } from "./endpoints.js";
import type { RegionalS3Client } from "./regionalClient.js";
import { type ClientTuning, createS3Client } from "./s3Client.js";

/** Both sides' S3 clients of one run. */
export interface SideClients {
  readonly source: RegionalS3Client;
  readonly destination: RegionalS3Client;
}

/**
 * Creates both sides' clients for one run (a CLI command, a Lambda cold start, a cluster worker):
 * one cache of bucket regions between them, so each bucket's region is looked up once per
 * process; the destination's copies carry the source buckets' owners; a region S3 corrects is
 * logged as a warning (the configuration, or a bucket that moved, said otherwise).
 *
 * @throws ConfigError when a bucket's configured region is in a partition its side cannot sign for.
 * @example
 * const { source, destination } = createSideClients({ source: { region: "us-east-1" }, destination: keyedSide });
 */
export function createSideClients(
  sides: { readonly source: EndpointConfig; readonly destination: EndpointConfig },
  tuning: ClientTuning = {},
  logger?: Pick<TransferLogger, "warn">,
): SideClients {
  const regions = new BucketRegions();
  const onRegionCorrected = logger
    ? (correction: { bucket: string; signedFor: string; region: string }) =>
        logger.warn("S3 says the bucket is in another region than the request was signed for; its requests go there from now on", {
          ...correction,
        })
    : undefined;
  const shared = { regions, ...(onRegionCorrected === undefined ? {} : { onRegionCorrected }) };
  return {
    source: createS3Client(sides.source, tuning, { side: "source", ...shared }),
    destination: createS3Client(sides.destination, tuning, {
      side: "destination",
      ...shared,
      ...(sides.source.buckets === undefined ? {} : { copySources: sides.source.buckets }),
    }),
  };
}
