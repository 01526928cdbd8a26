import { S3Client, CreateBucketCommand, CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, HeadObjectCommand, GetObjectCommand, ListPartsCommand, ListMultipartUploadsCommand, PutObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
const s3 = new S3Client({ region: "us-east-1", endpoint: "http://127.0.0.1:5801", forcePathStyle: true, credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
s3.middlewareStack.add((next) => async (args) => { console.log(args.request.method, args.request.path, JSON.stringify(args.request.query), Object.keys(args.request.headers).filter(h=>h.startsWith('x-amz')||h.startsWith('content')).map(h=>h+'='+String(args.request.headers[h]).slice(0,40)).join(' ')); return next(args); }, { step: "finalizeRequest", name: "log" });
await s3.send(new CreateBucketCommand({ Bucket: "bucket-one" }));
const P = 5 * 1024 * 1024;
const data = Buffer.alloc(2 * P + 100, 7);
const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: "bucket-one", Key: "big", ContentType: "x/y", Metadata: { a: "1" } }));
const etags = [];
for (let i = 0; i < 3; i++) {
  const body = data.subarray(i * P, Math.min((i + 1) * P, data.length));
  const md5 = createHash("md5").update(body).digest();
  const r = await s3.send(new UploadPartCommand({ Bucket: "bucket-one", Key: "big", UploadId: up.UploadId, PartNumber: i + 1, Body: body, ContentMD5: i===1 ? createHash("md5").update("x").digest("base64") : md5.toString("base64") }));
  console.log("part", i + 1, r.ETag, md5.toString("hex")); etags.push(r.ETag);
}
const ups = await s3.send(new ListMultipartUploadsCommand({ Bucket: "bucket-one", Prefix: "big" })); console.log("uploads", ups.Uploads.map(u=>[u.Key,u.UploadId,u.Initiated]));
const lp = await s3.send(new ListPartsCommand({ Bucket: "bucket-one", Key: "big", UploadId: up.UploadId, MaxParts: 2 })); console.log("parts", lp.Parts.map(p=>[p.PartNumber,p.Size,p.ETag]), lp.IsTruncated, lp.NextPartNumberMarker);
const c = await s3.send(new CompleteMultipartUploadCommand({ Bucket: "bucket-one", Key: "big", UploadId: up.UploadId, MultipartUpload: { Parts: etags.map((e, i) => ({ ETag: e, PartNumber: i + 1 })) } }));
console.log("complete", c.ETag);
const h = await s3.send(new HeadObjectCommand({ Bucket: "bucket-one", Key: "big", PartNumber: 1 })); console.log("head p1", h.ContentLength, h.PartsCount, h.ETag, h.ContentType, h.Metadata);
const h2 = await s3.send(new HeadObjectCommand({ Bucket: "bucket-one", Key: "big" })); console.log("head", h2.ContentLength, h2.PartsCount, h2.ETag);
try { await s3.send(new GetObjectCommand({ Bucket: "bucket-one", Key: "big", Range: "bytes=0-9", IfMatch: '"nope"' })); console.log("ifmatch: no error!"); } catch (e) { console.log("ifmatch err", e.name, e.$metadata.httpStatusCode); }
const g = await s3.send(new GetObjectCommand({ Bucket: "bucket-one", Key: "big", Range: "bytes=0-9", IfMatch: h2.ETag })); console.log("get range", g.ContentLength, g.ContentRange, g.ETag);
const p = await s3.send(new PutObjectCommand({ Bucket: "bucket-one", Key: "small", Body: Buffer.from("hello"), ContentMD5: createHash("md5").update("hellx").digest("base64") })); console.log("put bad md5", p.ETag);
try { await s3.send(new GetObjectCommand({ Bucket: "bucket-one", Key: "nokey" })); } catch (e) { console.log("nokey", e.name, e.$metadata.httpStatusCode); }
try { await s3.send(new GetObjectCommand({ Bucket: "no-such-bucket-x", Key: "nokey" })); } catch (e) { console.log("nobucket", e.name, e.$metadata.httpStatusCode); }
try { await s3.send(new HeadObjectCommand({ Bucket: "bucket-one", Key: "nokey" })); } catch (e) { console.log("head nokey", e.name, e.$metadata.httpStatusCode); }
