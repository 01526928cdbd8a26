import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type CopyRequest, copyObject, MIB, type TransferMetrics, type TransferOutcome, type TransferSettings } from "@s3-migrate/transfer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putObject, readObject } from "../../support/endpoints.js";
import type { FaultAction } from "../../support/faultProxy.js";
import { openTransferBed, openUploads, randomBody, type TransferBed } from "../../support/transferBed.js";
import { until } from "../../support/workerProcess.js";

const settings: TransferSettings = { smallObjectThreshold: 5 * MIB, partSize: 5 * MIB, partConcurrency: 2, readStreams: 1 };
const MANIFEST = { method: "PUT", query: { partNumber: "10000" } } as const;

describe("copyObject resume", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("resume");
  });
  afterAll(async () => bed.close());

  const request = (key: string, etag?: string): CopyRequest => ({
    source: { bucket: bed.sourceBucket, key, ...(etag === undefined ? {} : { etag }) },
    destination: { bucket: bed.destinationBucket, key },
  });
  /** Data-part PUTs that reached the destination: all of them, or only those it stored (`status: 200`). */
  const dataPartPuts = (key: string, status?: number) =>
    bed.destinationProxy.countRequests({
      method: "PUT",
      query: "partNumber",
      path: pathOf(bed.destinationBucket, key),
      ...(status === undefined ? {} : { status }),
    }) -
    bed.destinationProxy.countRequests({
      ...MANIFEST,
      path: pathOf(bed.destinationBucket, key),
      ...(status === undefined ? {} : { status }),
    });

  /**
   * Runs a copy paused once `parts` parts have landed. The parts in flight then drain (a `cancel`
   * that never fires): a cancelled part would still be reaching the destination after the run
   * returned, so no count taken at its return could say which run stored what.
   */
  async function runUntilParts(key: string, parts: number, overrides: TransferSettings = {}, etag?: string): Promise<TransferOutcome> {
    const deadline = new AbortController();
    return copyObject(
      bed.context({
        pause: deadline.signal,
        cancel: new AbortController().signal,
        onProgress: (event) => event.partsDone >= parts && deadline.abort(),
      }),
      request(key, etag),
      { ...settings, ...overrides },
    );
  }

  it("pauses at the deadline and the next run uploads only the missing parts", async () => {
    // Prepare: 8 parts of 5 MiB
    const key = "resume/forty.bin";
    const body = randomBody(40 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, body);
    // Act: first run stopped after 3 parts
    const paused = await runUntilParts(key, 3);
    const storedInFirstRun = dataPartPuts(key, 200);
    const metrics = recordingMetrics();
    const second = await copyObject(bed.context({ metrics }), request(key), settings);
    // Assess
    expect(paused).toMatchObject({ status: "paused", partCount: 8 });
    if (paused.status !== "paused" || second.status !== "done") throw new Error("unexpected outcomes");
    expect(paused.partsDone).toBeGreaterThanOrEqual(3);
    expect(second.partsResumed).toBeGreaterThanOrEqual(paused.partsDone);
    expect(second.partsResumed + second.partsUploaded).toBe(8);
    expect(dataPartPuts(key, 200) - storedInFirstRun).toBe(second.partsUploaded);
    expect(metrics.sum("PartsResumed")).toBe(second.partsResumed);
    expect(metrics.sum("BytesWritten")).toBe(second.partsUploaded * 5 * MIB);
    expect(metrics.sum("BytesRead")).toBe(second.partsUploaded * 5 * MIB);
    // no more bytes sent twice than the parts that were in flight at the deadline
    expect(dataPartPuts(key)).toBeLessThanOrEqual(8 + (settings.partConcurrency ?? 0));
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });

  /**
   * Runs a copy of 3 parts (12 MiB and 5 bytes at `key`) whose hard deadline fires once its
   * completion reached the proxy, which applies `held` to it (and, with `untilUploadGone`, once moto
   * has finished it). Returns the body and the completion the cut run handed on.
   */
  async function cutAtCompletion(key: string, held: FaultAction, untilUploadGone = false) {
    const body = randomBody(12 * MIB + 5);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const completions = { method: "POST", query: "uploadId", path: pathOf(bed.destinationBucket, key) } as const;
    bed.destinationProxy.addRule({ match: completions, action: held });
    const hard = new AbortController();
    const first = copyObject(bed.context({ pause: hard.signal, cancel: hard.signal }), request(key), settings);
    await until(() => bed.destinationProxy.countRequests(completions) === 1, 60_000);
    if (untilUploadGone) await until(async () => (await openUploads(bed.dst, bed.destinationBucket, key)).length === 0, 60_000);
    hard.abort();
    const cut = await first;
    bed.destinationProxy.clearRules();
    expect(cut).toMatchObject({ status: "paused", completing: { uploadId: expect.any(String), etag: expect.stringMatching(/-3$/) } });
    return { body, completing: cut.status === "paused" ? cut.completing : undefined };
  }

  it("a completion the hard deadline cut but S3 finished is found by the next run, which copies nothing again", async () => {
    // Prepare: the destination stores the completion but its answer is never given
    const key = "resume/completion cut.bin";
    const { body, completing } = await cutAtCompletion(key, { type: "holdResponses", parties: 2 }, true);
    const before = bed.destinationProxy.requests.length;
    // Act
    const second = await copyObject(bed.context(), { ...request(key), completing }, settings);
    // Assess: done with the first run's object; the second run only looked (one HEAD)
    expect(second).toMatchObject({ status: "done", destinationEtag: completing?.etag, partsUploaded: 0 });
    expect(bed.destinationProxy.requests.slice(before).map((request) => request.method)).toEqual(["HEAD"]);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("a completion the hard deadline cut before S3 finished it is completed by the next run from the open upload", async () => {
    // Prepare: the proxy holds the first completion for a minute before moto sees it, so the
    // deadline fires first and the upload stays open
    const key = "resume/completion refused.bin";
    const { body, completing } = await cutAtCompletion(key, { type: "delay", ms: 60_000 });
    // Act
    const second = await copyObject(bed.context(), { ...request(key), completing }, settings);
    // Assess: the lost completion was looked for, not found, and the open upload completed with no part sent again
    expect(second).toMatchObject({ status: "done", partsUploaded: 0, partsResumed: 3 });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });

  it("a lost completion S3 finishes just after the next run looked for it is still found: no new upload, nothing sent again", async () => {
    // Prepare: the first run's completion is held before moto sees it and its hard deadline fires
    const key = "resume/completion finishing.bin";
    const { body, completing } = await cutAtCompletion(key, { type: "delay", ms: 60_000 });
    // Act: the second run's HEAD finds nothing; its next read of the destination is held while
    // "S3" (the test, straight to moto) finishes the lost completion, as a slow S3 completion would
    const before = bed.destinationProxy.requests.length;
    bed.destinationProxy.addRule({ match: { method: "GET" }, action: { type: "delay", ms: 3_000 } });
    const second = copyObject(bed.context(), { ...request(key), completing }, settings);
    await until(() => bed.destinationProxy.countRequests({ method: "GET" }) >= 1, 30_000);
    const parts = await bed.dst.send(new ListPartsCommand({ Bucket: bed.destinationBucket, Key: key, UploadId: completing?.uploadId }));
    await bed.dst.send(
      new CompleteMultipartUploadCommand({
        Bucket: bed.destinationBucket,
        Key: key,
        UploadId: completing?.uploadId,
        MultipartUpload: {
          Parts: (parts.Parts ?? []).filter((part) => (part.PartNumber ?? 0) <= 3).map(({ PartNumber, ETag }) => ({ PartNumber, ETag })),
        },
      }),
    );
    const outcome = await second;
    // Assess: done with that object; the second run started no upload and sent no part
    const sent = bed.destinationProxy.requests.slice(before);
    expect(outcome).toMatchObject({ status: "done", destinationEtag: completing?.etag, partsUploaded: 0 });
    expect(sent.filter((request) => request.method === "PUT" || (request.method === "POST" && "uploads" in request.query))).toEqual([]);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });

  it("keeps the part size the upload started with when the configuration changes between runs", async () => {
    // Prepare
    const key = "resume/changed-part-size.bin";
    const body = randomBody(33 * MIB + 3);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const paused = await runUntilParts(key, 2);
    // Act: the operator raised the part size to 8 MiB before the next run
    const second = await copyObject(bed.context(), request(key), { ...settings, partSize: 8 * MIB });
    // Assess
    expect(paused.status).toBe("paused");
    expect(second).toMatchObject({ status: "done", partCount: 7 });
    if (second.status !== "done") return;
    expect(second.partsResumed).toBeGreaterThanOrEqual(2);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("aborts an orphaned older upload of its own for the same key (a manifest part), and leaves another tool's alone", async () => {
    // Prepare: two uploads left by crashed runs, one part each: one of ours (it also holds the
    // manifest part, 10,000, for another version), one of another tool
    const key = "resume/orphaned.bin";
    const body = randomBody(12 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const orphan = async (parts: number[]) => {
      const { UploadId } = await bed.dst.send(new CreateMultipartUploadCommand({ Bucket: bed.destinationBucket, Key: key }));
      for (const PartNumber of parts)
        await bed.dst.send(
          new UploadPartCommand({
            Bucket: bed.destinationBucket,
            Key: key,
            UploadId,
            PartNumber,
            Body: PartNumber === 10_000 ? Buffer.from("{}") : randomBody(5 * MIB),
          }),
        );
      return UploadId ?? "";
    };
    const ours = await orphan([1, 10_000]);
    const foreign = await orphan([1]);
    // Act
    const outcome = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(outcome).toMatchObject({ status: "done", partsResumed: 0, abortedUploads: [ours] });
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([foreign]);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    await bed.dst.send(new AbortMultipartUploadCommand({ Bucket: bed.destinationBucket, Key: key, UploadId: foreign }));
  });

  it("never mixes two versions: a source replaced between runs is SourceChanged, and a new job starts afresh", async () => {
    // Prepare: version 1 partly copied
    const key = "resume/replaced.bin";
    const version1 = randomBody(20 * MIB);
    const put1 = await putObject(bed.src, bed.sourceBucket, key, version1);
    const paused = await runUntilParts(key, 2, {}, put1.ETag);
    // the source is replaced by a same-size version 2
    const version2 = randomBody(20 * MIB);
    const put2 = await putObject(bed.src, bed.sourceBucket, key, version2);
    // Act: the old job (pinned to version 1) runs again, then a new job for version 2
    const stale = await copyObject(bed.context(), request(key, put1.ETag), settings);
    const fresh = await copyObject(bed.context(), request(key, put2.ETag), settings);
    // Assess
    expect(paused.status).toBe("paused");
    expect(stale).toMatchObject({ status: "source-changed", error: { code: "SourceChanged", retryable: false } });
    expect(fresh).toMatchObject({ status: "done", partsResumed: 0, partCount: 4 });
    if (fresh.status === "done") expect(fresh.abortedUploads).toHaveLength(1);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(version2)).toBe(true);
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });

  it("stops with SourceChanged when the source changes mid-transfer, completing nothing", async () => {
    // Prepare: the first ranged GET breaks after 7 MiB; the reopened GET finds the object replaced (412)
    const key = "resume/changed-mid-run.bin";
    await putObject(bed.src, bed.sourceBucket, key, randomBody(20 * MIB));
    bed.sourceProxy.addRule({
      match: { method: "GET", path: pathOf(bed.sourceBucket, key) },
      action: { type: "resetConnection", afterBytes: 7 * MIB },
    });
    bed.sourceProxy.addRule({
      match: { method: "GET", path: pathOf(bed.sourceBucket, key) },
      action: {
        type: "status",
        status: 412,
        code: "PreconditionFailed",
        message: "At least one of the pre-conditions you specified did not hold",
      },
    });
    // Act
    const outcome = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(outcome).toMatchObject({ status: "source-changed", error: { code: "SourceChanged", side: "source" } });
    await expect(bed.dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key }))).rejects.toMatchObject({
      name: "NotFound",
    });
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });
});

function recordingMetrics(): TransferMetrics & { sum(name: string): number } {
  const values: Array<{ name: string; value: number }> = [];
  return {
    addMetric: (name, _unit, value) => values.push({ name, value }),
    sum: (name) => values.filter((entry) => entry.name === name).reduce((total, entry) => total + entry.value, 0),
  };
}

function pathOf(bucket: string, key: string): RegExp {
  return new RegExp(
    `^/${bucket}/${encodeURIComponent(key)
      .replaceAll("%2F", "/")
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
  );
}
