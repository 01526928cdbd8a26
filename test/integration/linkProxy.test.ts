/**
 * Proves the simulated cross-border link (test/support/linkProxy.ts): every connection gets its
 * own bandwidth cap and the round-trip delay, and bytes pass unchanged, to a plain TCP sink and
 * to moto. Only lower bounds on time are exact (nothing may cross faster than the link allows);
 * the one upper bound leaves a wide margin between "each connection has its own cap" (0.5 s) and
 * "the connections share one" (1.0 s).
 */
import { createHash, randomBytes } from "node:crypto";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../support/endpoints.js";
import { type LinkProxy, startLinkProxy } from "../support/linkProxy.js";

const MiB = 1024 * 1024;
const md5 = (body: Uint8Array) => createHash("md5").update(body).digest("hex");

/** A TCP server that hashes what each connection sends and answers the hash when it ends. */
async function startSink(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    const hash = createHash("md5");
    socket.on("data", (chunk) => hash.update(chunk));
    socket.on("end", () => socket.end(hash.digest("hex")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends `body` on one connection through the link; resolves with the sink's hash and when the first byte of it arrived. */
function sendThrough(link: LinkProxy, body: Buffer): Promise<{ hash: string; ms: number }> {
  const started = Date.now();
  const url = new URL(link.endpoint);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => socket.end(body));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("end", () => resolve({ hash: answer, ms: Date.now() - started }));
    socket.on("error", reject);
  });
}

describe("the simulated link", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("caps each connection's bandwidth on its own and delays each direction by half the round trip", async () => {
    // Prepare: 8 MiB/s per connection, 200 ms round trip
    const sink = await startSink();
    const link = await startLinkProxy({ target: sink.endpoint, bytesPerSecond: 8 * MiB, rttMs: 200 });
    cleanups.push(sink.close, link.close);
    const body = randomBytes(4 * MiB);
    // Act
    const one = await sendThrough(link, body);
    const both = Date.now();
    const two = await Promise.all([sendThrough(link, body), sendThrough(link, randomBytes(4 * MiB))]);
    const bothMs = Date.now() - both;
    const small = await sendThrough(link, Buffer.from("x"));
    // Assess: bytes intact; 4 MiB at 8 MiB/s takes 0.5 s plus the round trip, alone or beside another
    expect(one.hash).toBe(md5(body));
    expect(two[0].hash).toBe(md5(body));
    expect(one.ms).toBeGreaterThanOrEqual(500 + 200);
    expect(Math.min(...two.map((run) => run.ms))).toBeGreaterThanOrEqual(500 + 200);
    expect(bothMs).toBeLessThan(1_000 + 200);
    expect(small.ms).toBeGreaterThanOrEqual(200);
    expect(link.connections()).toBe(4);
    expect(link.bytes().up).toBe(12 * MiB + 1);
  });

  it("carries S3 requests to moto unchanged", async () => {
    // Prepare
    const { source } = testEndpoints();
    const link = await startLinkProxy({ target: source.endpoint, bytesPerSecond: 16 * MiB, rttMs: 40 });
    cleanups.push(link.close);
    const viaLink = makeS3Client(link.endpoint, source.region);
    const bucket = await createBucket(viaLink, uniqueBucketName("link"));
    const body = randomBytes(3 * MiB);
    // Act
    const started = Date.now();
    await putObject(viaLink, bucket, "over/the border.bin", body);
    const putMs = Date.now() - started;
    const back = await readObject(viaLink, bucket, "over/the border.bin");
    // Assess
    expect(md5(back)).toBe(md5(body));
    expect(putMs).toBeGreaterThanOrEqual((3 / 16) * 1000);
    expect(link.bytes().up).toBeGreaterThan(3 * MiB);
    expect(link.bytes().down).toBeGreaterThan(3 * MiB);
  });
});
