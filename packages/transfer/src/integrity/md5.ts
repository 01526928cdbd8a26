import { createHash } from "node:crypto";

/** Strips the quotes S3 puts around ETags, so two spellings of one ETag compare equal. */
export function normalizeEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  // Hot path of every listing: S3 sends `"<lowercase hex>"`, so avoid regexes where we can.
  let bare = etag.startsWith("W/") ? etag.slice(2) : etag;
  if (bare.length >= 2 && bare.charCodeAt(0) === 34 && bare.charCodeAt(bare.length - 1) === 34 && bare.indexOf('"', 1) === bare.length - 1)
    bare = bare.slice(1, -1);
  else if (bare.includes('"')) bare = bare.replaceAll('"', "");
  return /[A-Z]/.test(bare) ? bare.toLowerCase() : bare;
}

/**
 * Whether an ETag is the plain MD5 of the object's bytes (a single PUT without SSE-KMS/SSE-C),
 * so that computing the MD5 of what was read proves the bytes are the source's.
 */
export function isPlainMd5Etag(etag: string | undefined): boolean {
  return /^[0-9a-f]{32}$/.test(normalizeEtag(etag) ?? "");
}

/** Parses a multipart ETag (`<md5 of part md5s>-<part count>`); `undefined` for any other. */
export function parseMultipartEtag(etag: string | undefined): { digest: string; partCount: number } | undefined {
  const match = /^([0-9a-f]{32})-(\d+)$/.exec(normalizeEtag(etag) ?? "");
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { digest: match[1], partCount: Number(match[2]) };
}

/**
 * The ETag S3 gives a completed multipart upload: the MD5 of the concatenated binary part MD5s,
 * a dash, and the part count.
 *
 * @param partEtags the part ETags in part-number order (hex MD5s, quoted or not).
 */
export function compositeEtag(partEtags: readonly string[]): string {
  const hash = createHash("md5");
  for (const etag of partEtags) hash.update(Buffer.from(normalizeEtag(etag) ?? "", "hex"));
  return `${hash.digest("hex")}-${partEtags.length}`;
}
