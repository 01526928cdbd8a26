/**
 * A pass-through HTTP proxy in front of one local endpoint (moto) that records every AWS API call
 * sent through it: enough of each request (method, path, query, X-Amz-Target, the JSON body of
 * JSON-protocol calls, the headers that change what S3 authorizes) to name the IAM permission it
 * needs. S3 bodies stream through unread. moto enforces no IAM, so this is how the end-to-end test
 * learns which calls the deployed policies must allow.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One call seen by the recorder. */
export interface RecordedCall {
  readonly method: string;
  /** Raw (percent-encoded) path, e.g. `/bucket/a%20key`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `X-Amz-Target` of JSON-protocol calls (DynamoDB, SSM, SQS), e.g. `AmazonSSM.GetParameter`. */
  readonly target?: string;
  /** The parsed body of a JSON-protocol call. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Whether the request carried `x-amz-tagging` (S3 then also authorizes s3:PutObjectTagging). */
  readonly tagging: boolean;
  /** `x-amz-copy-source` of a server-side copy (CopyObject, UploadPartCopy): `bucket/key[?versionId=]`, key encoded. */
  readonly copySource?: string;
  /** `x-amz-tagging-directive` of a CopyObject (absent means `COPY`). */
  readonly taggingDirective?: string;
}

export interface RequestRecorder {
  /** Base URL to use instead of the target, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Every call so far, in arrival order. */
  readonly calls: readonly RecordedCall[];
  close(): Promise<void>;
}

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

/**
 * Starts a recorder on a free 127.0.0.1 port in front of `target`.
 *
 * @example
 * const recorder = await startRequestRecorder(source.endpoint);
 * const s3 = makeS3Client(recorder.endpoint, source.region);
 */
export async function startRequestRecorder(target: string): Promise<RequestRecorder> {
  const upstream = new URL(target);
  const calls: RecordedCall[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://recorder");
    const amzTarget = header(req.headers, "x-amz-target");
    const copySource = header(req.headers, "x-amz-copy-source");
    const taggingDirective = header(req.headers, "x-amz-tagging-directive");
    const chunks: Buffer[] = [];
    const forwarded = http.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req.headers),
      agent: false,
    });
    forwarded.once("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`request recorder: ${error.message}`);
      else res.destroy();
    });
    forwarded.once("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    });
    if (amzTarget !== undefined) req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => {
      calls.push({
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(amzTarget === undefined ? {} : { target: amzTarget, body: parseJson(Buffer.concat(chunks)) }),
        tagging: header(req.headers, "x-amz-tagging") !== undefined,
        ...(copySource === undefined ? {} : { copySource }),
        ...(taggingDirective === undefined ? {} : { taggingDirective }),
      });
    });
    req.pipe(forwarded);
  });
  // As in faultProxy: large uploads outlive Node's default request timeout, and idle sockets the
  // client still reuses must not be closed under it.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function forwardHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const copy = withoutHopByHop(headers);
  // The body is streamed on at once; moto's own 100 Continue would be noise.
  delete copy.expect;
  return copy;
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const copy: OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8") || "{}");
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
