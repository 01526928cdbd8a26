/*
 * S3's naming rules for general purpose buckets, each with the words that explain it, so that a
 * refused name says which rule it broke. Names of legacy us-east-1 buckets (capitals,
 * underscores, up to 255 characters) are not accepted: S3 has refused to create them since 2020.
 */

/** The naming rules in the order they are checked; the first one broken is the one reported. */
const RULES: readonly { readonly broken: (name: string) => boolean; readonly rule: string }[] = [
  { broken: (name) => name.length < 3 || name.length > 63, rule: "3 to 63 characters" },
  { broken: (name) => !/^[a-z0-9.-]*$/.test(name), rule: "only lowercase letters, digits, `.` and `-`" },
  { broken: (name) => !/^[a-z0-9].*[a-z0-9]$/.test(name), rule: "beginning and ending with a letter or digit" },
  { broken: (name) => name.includes(".."), rule: "no two adjacent periods" },
  { broken: (name) => /^\d+\.\d+\.\d+\.\d+$/.test(name), rule: "not shaped like an IP address (192.168.5.4)" },
  ...["xn--", "sthree-", "amzn-s3-demo-"].map((prefix) => ({
    broken: (name: string) => name.startsWith(prefix),
    rule: `not beginning with \`${prefix}\` (reserved)`,
  })),
  ...["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].map((suffix) => ({
    broken: (name: string) => name.endsWith(suffix),
    rule: `not ending with \`${suffix}\` (reserved)`,
  })),
];

/**
 * The S3 naming rule `name` breaks, in words, or `undefined` for a valid bucket name.
 *
 * @example
 * bucketNameProblem("my-bucket")   // undefined
 * bucketNameProblem("my..bucket")  // "no two adjacent periods"
 */
export function bucketNameProblem(name: string): string | undefined {
  return RULES.find(({ broken }) => broken(name))?.rule;
}
