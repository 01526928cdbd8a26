/**
 * A fault-injecting HTTP reverse proxy for one S3 endpoint (moto), for integrity and retry
 * tests: moto never checks Content-MD5 or x-amz-checksum-*, never throttles and never drops a
 * connection, so tests put this in front of it and script those faults with rules.
 * Bodies stream through untouched unless a rule needs to read or change them.
 */
import { createHash, randomBytes } from "node:crypto";
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";

/** Which requests a rule applies to; every given field must match. */
export interface RequestMatcher {
  /** HTTP method, case-insensitive, e.g. `'PUT'`. */
  readonly method?: string;
  /** A query key that must be present (`'partNumber'`), or keys with required values (`{ 'x-id': 'PutObject' }`, `true` = present). */
  readonly query?: string | Readonly<Record<string, string | true>>;
  /** Tested against the raw (still percent-encoded) path, e.g. `/^\/my-bucket\/big\.bin$/`. */
  readonly path?: RegExp;
}

/** What to do to a matching request. */
export type FaultAction =
  /** Flip one byte of the forwarded request body (default: the middle one); moto stores it. */
  | { readonly type: "corruptRequestBody"; readonly offset?: number }
  /** Like real S3: answer 400 BadDigest (or InvalidDigest) when Content-MD5 does not match the body (after any corruptRequestBody). */
  | { readonly type: "validateContentMd5" }
  /** Like real S3 for x-amz-checksum-crc32 / -sha1 / -sha256 body checksums; answers 501 for CRC32C, CRC64NVME or aws-chunked bodies rather than pass them unchecked. */
  | { readonly type: "validateChecksum" }
  /** Flip one byte of the response body (default: the middle one), keeping every header. */
  | { readonly type: "corruptResponseBody"; readonly offset?: number }
  /** Answer `status` with an S3 XML error `code` without forwarding, e.g. 503 SlowDown. */
  | {
      readonly type: "status";
      readonly status: number;
      readonly code: string;
      readonly message?: string;
    }
  /**
   * Forward, then destroy the client socket after `afterBytes` response body bytes. 0 (default)
   * sends nothing at all: the server did the work but the client sees a dropped connection.
   * A body of `afterBytes` bytes or fewer is sent whole, which a client may not notice.
   */
  | { readonly type: "resetConnection"; readonly afterBytes?: number }
  /** Hold the request this long before forwarding it (a slow link or a slow endpoint); combines with the others. */
  | { readonly type: "delay"; readonly ms: number }
  /**
   * A barrier on responses: forward each matching request, but hold its response until `parties`
   * matching responses are ready, then send them all at once, so the clients see their requests
   * finish at the same moment. Give the rule `times: parties`.
   */
  | { readonly type: "holdResponses"; readonly parties: number };

export type FaultType = FaultAction["type"];

export interface FaultRule {
  /** Omitted: every request. */
  readonly match?: RequestMatcher;
  readonly action: FaultAction;
  /** How many matching requests it applies to, a positive integer or Infinity. @default 1 */
  readonly times?: number;
}

/** A live view of an added rule. */
export interface FaultRuleHandle {
  readonly rule: FaultRule;
  /** Requests it has been applied to so far. */
  readonly hits: number;
  readonly remaining: number;
}

/** One request seen by the proxy, logged on arrival. */
export interface ProxiedRequest {
  readonly method: string;
  /** Raw path, e.g. `/bucket/a%20key`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The JSON protocol's operation (`X-Amz-Target`, e.g. `AmazonSQS.ReceiveMessage`), for SQS and DynamoDB. */
  readonly operation?: string;
  /** Status sent to the client; 0 until answered, or if the connection was cut before it. */
  readonly status: number;
  /** The integrity headers it carried (`content-md5`, `x-amz-checksum-*`), by lowercase name. */
  readonly integrityHeaders: Readonly<Record<string, string>>;
  /** `x-amz-copy-source` of a server-side copy (CopyObject, UploadPartCopy): what S3 was asked to read. */
  readonly copySource?: string;
  /** Faults applied to it, in the order they took effect. */
  readonly faults: FaultType[];
  /** When it arrived (epoch ms). */
  readonly at: number;
}

export interface FaultProxy {
  /** Base URL to give an S3 client, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly requests: readonly ProxiedRequest[];
  addRule(rule: FaultRule): FaultRuleHandle;
  clearRules(): void;
  /** Logged requests matching `filter` (and `status`, if given). */
  countRequests(filter?: RequestMatcher & { readonly status?: number }): number;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Endpoint to forward to, e.g. `http://127.0.0.1:5000`. */
  readonly target: string;
}

interface LiveRule {
  readonly rule: FaultRule;
  hits: number;
  remaining: number;
}

type LoggedRequest = ProxiedRequest & { status: number };

type Actions = Partial<{ [T in FaultType]: Extract<FaultAction, { type: T }> }>;

/** Faults sharing a slot exclude each other; listed in the order they take effect. */
const SLOTS: Record<FaultType, string> = {
  delay: "delay",
  status: "answer",
  corruptRequestBody: "corruptRequestBody",
  validateContentMd5: "validateContentMd5",
  validateChecksum: "validateChecksum",
  corruptResponseBody: "response",
  resetConnection: "response",
  holdResponses: "holdResponses",
};
const ORDER = Object.keys(SLOTS) as FaultType[];

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

/**
 * Starts a proxy on a free 127.0.0.1 port in front of `target`.
 *
 * @example
 * const proxy = await startFaultProxy({ target: source.endpoint });
 * proxy.addRule({ match: { method: 'PUT', query: 'partNumber' }, action: { type: 'corruptRequestBody' } });
 * proxy.addRule({ action: { type: 'validateContentMd5' }, times: Number.POSITIVE_INFINITY });
 * const s3 = makeS3Client(proxy.endpoint, 'us-east-1');
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const rules: LiveRule[] = [];
  const requests: LoggedRequest[] = [];
  /** Responses held by each holdResponses action, released together when the last party arrives. */
  const heldResponses = new Map<FaultAction, Array<() => void>>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, req.method, 502, "BadGateway", String(error));
      else res.destroy();
    });
  });
  // Uploads of hundreds of MiB to a slow moto can exceed Node's 300 s default.
  server.requestTimeout = 0;
  // Clients keep sockets alive; if the proxy closed an idle one as a client reused it, the
  // client would see a reset mid-upload and moto would get half a part (which moto mishandles:
  // it then loses the whole multipart upload). Outlive any client's idle time instead.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://proxy");
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(typeof req.headers["x-amz-target"] === "string" ? { operation: req.headers["x-amz-target"] } : {}),
      ...(typeof req.headers["x-amz-copy-source"] === "string" ? { copySource: req.headers["x-amz-copy-source"] } : {}),
      status: 0,
      integrityHeaders: Object.fromEntries(
        Object.entries(req.headers).filter(
          (header): header is [string, string] =>
            typeof header[1] === "string" && (header[0] === "content-md5" || header[0].startsWith("x-amz-checksum-")),
        ),
      ),
      faults: [],
      at: Date.now(),
    };
    requests.push(entry);
    res.once("close", () => {
      if (res.headersSent) entry.status = res.statusCode;
    });
    const actions = takeActions(entry);
    if (actions.delay) await new Promise((resolve) => setTimeout(resolve, actions.delay?.ms));

    if (actions.status) {
      await readAll(req);
      const { status, code, message } = actions.status;
      sendError(res, req.method, status, code, message ?? defaultMessage(code));
      return;
    }
    let body: Buffer | undefined;
    if (actions.corruptRequestBody || actions.validateContentMd5 || actions.validateChecksum) {
      body = await readAll(req);
      if (actions.corruptRequestBody) flipByte(body, actions.corruptRequestBody.offset);
      const rejection =
        (actions.validateContentMd5 && checkContentMd5(req.headers, body)) ||
        (actions.validateChecksum && checkChecksum(req.headers, entry.query, body));
      if (rejection) {
        sendError(res, req.method, rejection.status, rejection.code, rejection.message);
        return;
      }
    }
    forward(req, res, body, actions);
  }

  /**
   * Consumes, in rule order, the first live matching rule of each slot: request-body rules
   * combine (corrupt, then validate), the response gets at most one fault, `status` acts alone.
   */
  function takeActions(entry: ProxiedRequest): Actions {
    const live = rules.filter((r) => r.remaining > 0 && matches(entry, r.rule.match));
    const statusRule = live.find((r) => r.rule.action.type === "status");
    const chosen = new Map<string, LiveRule>();
    for (const r of statusRule ? [statusRule] : live) {
      const slot = SLOTS[r.rule.action.type];
      if (!chosen.has(slot)) chosen.set(slot, r);
    }
    const actions: Record<string, FaultAction> = {};
    const inEffectOrder = [...chosen.values()].sort((a, b) => ORDER.indexOf(a.rule.action.type) - ORDER.indexOf(b.rule.action.type));
    for (const r of inEffectOrder) {
      r.hits++;
      r.remaining--;
      entry.faults.push(r.rule.action.type);
      actions[r.rule.action.type] = r.rule.action;
    }
    return actions as Actions;
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined, actions: Actions): void {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    // We already accepted the body from the client; moto's own 100 Continue would be noise.
    delete headers.expect;
    if (body) headers["content-length"] = String(body.length);
    const upstream = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: false,
    });
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.once("error", (error) => {
      if (!res.headersSent) sendError(res, req.method, 502, "BadGateway", `fault proxy: ${error.message}`);
      else res.destroy();
    });
    upstream.once("response", (up) => {
      const barrier = actions.holdResponses;
      if (barrier === undefined) {
        respond(req, res, up, actions);
        return;
      }
      const held = heldResponses.get(barrier) ?? [];
      heldResponses.set(barrier, held);
      held.push(() => respond(req, res, up, actions));
      if (held.length >= barrier.parties) for (const release of held.splice(0)) release();
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  function respond(req: IncomingMessage, res: ServerResponse, up: IncomingMessage, actions: Actions): void {
    const status = up.statusCode ?? 502;
    const headers = withoutHopByHop(up.headers);
    const cut = (): void => {
      up.destroy();
      req.socket.destroy();
    };
    if (actions.corruptResponseBody) {
      const { offset } = actions.corruptResponseBody;
      readAll(up).then((buffer) => {
        flipByte(buffer, offset);
        // Same length, so the upstream Content-Length (the object size, even for HEAD) stays true.
        res.writeHead(status, headers).end(buffer);
      }, cut);
      return;
    }
    const limit = actions.resetConnection ? (actions.resetConnection.afterBytes ?? 0) : undefined;
    if (limit === 0) {
      cut();
      return;
    }
    res.writeHead(status, headers);
    if (limit === undefined) {
      up.pipe(res);
      return;
    }
    let sent = 0;
    up.on("data", (chunk: Buffer) => {
      if (sent >= limit) return;
      const part = chunk.subarray(0, limit - sent);
      sent += part.length;
      const last = sent >= limit;
      res.write(part, () => last && cut());
    });
    up.once("end", () => res.end());
  }

  function addRule(rule: FaultRule): FaultRuleHandle {
    const times = rule.times ?? 1;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
      throw new TypeError(`Expected \`times\` to be a positive integer or Infinity, got ${times}`);
    }
    const live: LiveRule = { rule, hits: 0, remaining: times };
    rules.push(live);
    return {
      rule,
      get hits() {
        return live.hits;
      },
      get remaining() {
        return live.remaining;
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addRule,
    clearRules: () => {
      rules.length = 0;
    },
    countRequests: (filter = {}) =>
      requests.filter((r) => matches(r, filter) && (filter.status === undefined || r.status === filter.status)).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function matches(entry: ProxiedRequest, matcher: RequestMatcher = {}): boolean {
  if (matcher.method && matcher.method.toUpperCase() !== entry.method.toUpperCase()) return false;
  if (matcher.path && !matcher.path.test(entry.path)) return false;
  const query = typeof matcher.query === "string" ? { [matcher.query]: true as const } : (matcher.query ?? {});
  return Object.entries(query).every(([key, want]) => (want === true ? key in entry.query : entry.query[key] === want));
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const copy: OutgoingHttpHeaders = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function flipByte(buffer: Buffer, offset?: number): void {
  if (buffer.length === 0) return;
  const at = Math.min(Math.max(offset ?? Math.floor(buffer.length / 2), 0), buffer.length - 1);
  buffer.writeUInt8(buffer.readUInt8(at) ^ 0xff, at);
}

interface Rejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

function checkContentMd5(headers: IncomingHttpHeaders, body: Buffer): Rejection | undefined {
  const claimed = headers["content-md5"];
  if (typeof claimed !== "string") return undefined;
  if (Buffer.from(claimed, "base64").length !== 16) {
    return {
      status: 400,
      code: "InvalidDigest",
      message: "The Content-MD5 you specified is not valid.",
    };
  }
  const actual = createHash("md5").update(body).digest("base64");
  return actual === claimed
    ? undefined
    : {
        status: 400,
        code: "BadDigest",
        message: "The Content-MD5 you specified did not match what we received.",
      };
}

const CHECKSUMS: Record<string, (body: Buffer) => string> = {
  crc32: (body) => {
    const digest = Buffer.alloc(4);
    digest.writeUInt32BE(crc32(body));
    return digest.toString("base64");
  },
  sha1: (body) => createHash("sha1").update(body).digest("base64"),
  sha256: (body) => createHash("sha256").update(body).digest("base64"),
};

function checkChecksum(headers: IncomingHttpHeaders, query: Readonly<Record<string, string>>, body: Buffer): Rejection | undefined {
  // On CompleteMultipartUpload these headers state the whole object's checksum, not the body's.
  if ("uploadId" in query && !("partNumber" in query)) return undefined;
  const notImplemented = (what: string): Rejection => ({
    status: 501,
    code: "NotImplemented",
    message: `fault proxy cannot validate ${what}`,
  });
  if (String(headers["content-encoding"] ?? "").includes("aws-chunked")) return notImplemented("aws-chunked bodies");
  for (const [name, value] of Object.entries(headers)) {
    const algorithm = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.exec(name)?.[1];
    if (!algorithm || typeof value !== "string") continue;
    const compute = CHECKSUMS[algorithm];
    if (!compute) return notImplemented(name);
    if (compute(body) !== value) {
      const label = algorithm.toUpperCase();
      return {
        status: 400,
        code: "BadDigest",
        message: `The ${label} you specified did not match the calculated checksum.`,
      };
    }
  }
  return undefined;
}

const MESSAGES: Record<string, string> = {
  SlowDown: "Please reduce your request rate.",
  InternalError: "We encountered an internal error. Please try again.",
  ServiceUnavailable: "Service is unable to handle request.",
  AccessDenied: "Access Denied",
};

function defaultMessage(code: string): string {
  return MESSAGES[code] ?? `${code} injected by the fault proxy`;
}

function sendError(res: ServerResponse, method: string | undefined, status: number, code: string, message: string): void {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const escaped = message.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c] ?? c);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escaped}</Message><RequestId>${requestId}</RequestId></Error>`;
  // HEAD errors carry no body in S3; the SDK then names the error from the status code.
  const body = method === "HEAD" ? "" : xml;
  res.writeHead(status, {
    "content-type": "application/xml",
    "content-length": String(Buffer.byteLength(body)),
    "x-amz-request-id": requestId,
  });
  res.end(body);
}
