/**
 * Where a source key lands, as the original tool did it: the destination prefix joined with the
 * full source key (the source prefix is kept). An empty prefix or `/` means the bucket's root; a
 * prefix with or without a trailing `/` means the same folder. Keys ending in `/` keep it.
 *
 * @example
 * destinationKey("backup", "logs/a.txt")  // "backup/logs/a.txt"
 * destinationKey("backup/", "logs/a.txt") // "backup/logs/a.txt"
 * destinationKey("/", "logs/")            // "logs/"
 */
export function destinationKey(destinationPrefix: string | undefined, sourceKey: string): string {
  const folder = normalizePrefix(destinationPrefix);
  return folder === "" ? sourceKey : `${folder}/${sourceKey}`;
}

/**
 * A bucket-pair prefix as a listing prefix: empty for the whole bucket (`""` or `/`), otherwise
 * as written (a source prefix `logs` also matches `logs-old/`, as S3 prefixes do).
 */
export function listingPrefix(prefix: string | undefined): string {
  return prefix === undefined || prefix === "/" ? "" : prefix;
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === "/" || prefix === "") return "";
  return prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
}
