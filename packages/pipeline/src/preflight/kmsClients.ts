import { KMSClient } from "@aws-sdk/client-kms";
import { type EndpointConfig, SDK_REQUEST_ATTEMPTS, type Side } from "@s3-migrate/transfer";

/** Where each side's KMS answers, when not AWS's own endpoint (or `AWS_ENDPOINT_URL_KMS`). */
export interface KmsEndpoints {
  readonly source?: string;
  readonly destination?: string;
}

/**
 * The KMS clients preflight probes keys with: one per side and region, made when first asked,
 * with the side's own credentials (the stored keys on the keyed side, the default chain on the
 * other), so a key is asked about by the identity that will use it.
 *
 * @example
 * const kms = createKmsClients({ source, destination }, { destination: "http://127.0.0.1:5001" });
 * kms("destination", "cn-northwest-1").send(new DescribeKeyCommand({ KeyId }));
 */
export function createKmsClients(
  sides: { readonly source: EndpointConfig; readonly destination: EndpointConfig },
  endpoints: KmsEndpoints = {},
  maxAttempts = SDK_REQUEST_ATTEMPTS,
): (side: Side, region: string) => KMSClient {
  const made = new Map<string, KMSClient>();
  return (side, region) => {
    const id = `${side} ${region}`;
    const known = made.get(id);
    if (known !== undefined) return known;
    const credentials = sides[side].credentials;
    const endpoint = endpoints[side];
    const client = new KMSClient({
      region,
      maxAttempts,
      ...(credentials === undefined ? {} : { credentials }),
      ...(endpoint === undefined ? {} : { endpoint }),
    });
    made.set(id, client);
    return client;
  };
}
