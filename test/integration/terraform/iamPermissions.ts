/**
 * Which IAM permission each recorded AWS call needs, and whether a policy document allows it: a
 * small evaluator for the statements this repository's Terraform writes (Allow with Action and
 * Resource wildcards, Deny with principal and transport conditions, a few condition operators).
 * Whatever it does not understand counts against the caller: an unknown call is never allowed,
 * an unknown condition never satisfies an Allow and always satisfies a Deny.
 */
import type { RecordedCall } from "./requestRecorder.js";

/** One permission a call needs: `s3:GetObject` on `arn:aws:s3:::bucket/key`, with its condition keys. */
export interface Permission {
  readonly action: string;
  readonly resource: string;
  /** Request context keys the statements may test, e.g. `s3:prefix`, `aws:PrincipalArn`. */
  readonly context: Readonly<Record<string, string>>;
  /** What the call was, for messages. */
  readonly call: string;
  /**
   * A HeadBucket sent to find the bucket's region: S3 names the region (`x-amz-bucket-region`) on
   * its 403 as on its 200 and 301, so the functions need no grant for it (see `isAllowed`).
   */
  readonly regionLookup?: true;
}

/** Where the calls went: what is needed to turn names and URLs into ARNs. */
export interface CallScope {
  readonly partition: string;
  readonly region: string;
  /** The account of the calls' resources: on the test bed each side's buckets belong to its one account (`s3:ResourceAccount`). */
  readonly account: string;
}

interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document as Terraform wrote it (JSON). */
export interface PolicyDocument {
  readonly Statement: readonly Statement[];
}

/**
 * The permissions one recorded call needs. S3 calls are told apart by method and sub-resource,
 * JSON-protocol calls by X-Amz-Target; anything else becomes an `unknown:` action.
 */
export function permissionsOf(call: RecordedCall, scope: CallScope): Permission[] {
  return call.target === undefined ? s3Permissions(call, scope) : jsonPermissions(call, scope);
}

/**
 * Whether `policy` allows `permission` (an identity policy: some Allow matches, no Deny does).
 *
 * A region lookup (HeadBucket) counts as allowed for any bucket the policy lets the caller list,
 * whatever that grant's conditions: S3 authorizes HeadBucket as `s3:ListBucket` with no
 * `s3:prefix`, so a grant limited to the pair's prefixes refuses it, yet S3's 403 still names the
 * bucket's region, which is all the lookup wants (the functions take a refused lookup's region as
 * they take an allowed one's). A lookup of a bucket the policy never names stays refused: the
 * functions have no business there.
 */
export function isAllowed(policy: PolicyDocument, permission: Permission): boolean {
  if (isDenied(policy, permission)) return false;
  if (permission.regionLookup && policy.Statement.some((statement) => statement.Effect === "Allow" && names(statement, permission)))
    return true;
  return policy.Statement.some((statement) => statement.Effect === "Allow" && matches(statement, permission));
}

/** Whether a Deny of `policy` (e.g. a queue policy) applies to `permission`. */
export function isDenied(policy: PolicyDocument, permission: Permission): boolean {
  return policy.Statement.some((statement) => statement.Effect === "Deny" && matches(statement, permission));
}

function s3Permissions(call: RecordedCall, scope: CallScope): Permission[] {
  const [bucket = "", ...rest] = call.path.replace(/^\//, "").split("/");
  const key = rest.map(decodeURIComponent).join("/");
  const q = call.query;
  const has = (name: string) => Object.hasOwn(q, name);
  const describe = `${call.method} ${call.path}${Object.keys(q).length > 0 ? `?${new URLSearchParams(q as Record<string, string>)}` : ""}`;
  const bucketArn = `arn:${scope.partition}:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  // Every S3 request is judged with its bucket's owner, which the grants may bind.
  const on = (action: string, resource: string, context: Record<string, string> = {}): Permission => ({
    action,
    resource,
    context: { "s3:ResourceAccount": scope.account, ...context },
    call: describe,
  });
  const prefix: Record<string, string> = q.prefix === undefined ? {} : { "s3:prefix": q.prefix };
  const versioned = has("versionId");
  const tags = call.tagging ? [on("s3:PutObjectTagging", objectArn)] : [];

  if (call.copySource !== undefined) return copyPermissions(call.copySource, call, objectArn, scope, on);
  if (key === "" && bucket !== "") {
    if (call.method === "HEAD") return [{ ...on("s3:ListBucket", bucketArn), regionLookup: true }]; // HeadBucket
    if (call.method === "GET" && has("versions")) return [on("s3:ListBucketVersions", bucketArn, prefix)];
    if (call.method === "GET" && has("uploads")) return [on("s3:ListBucketMultipartUploads", bucketArn)];
    if (
      call.method === "GET" &&
      (has("list-type") || Object.keys(q).every((name) => ["prefix", "delimiter", "marker", "max-keys", "encoding-type"].includes(name)))
    )
      return [on("s3:ListBucket", bucketArn, prefix)];
    return [on(`unknown:s3 bucket ${call.method}`, bucketArn)];
  }
  switch (call.method) {
    case "GET":
    case "HEAD":
      if (has("uploadId")) return [on("s3:ListMultipartUploadParts", objectArn)];
      if (has("tagging")) return [on(versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", objectArn)];
      if (has("attributes")) return [on(versioned ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes", objectArn)];
      if (has("acl") || has("retention") || has("legal-hold")) return [on(`unknown:s3 object ${call.method}`, objectArn)];
      return [on(versioned ? "s3:GetObjectVersion" : "s3:GetObject", objectArn)];
    case "PUT":
      if (has("tagging")) return [on("s3:PutObjectTagging", objectArn)];
      if (has("acl") || has("retention") || has("legal-hold")) return [on("unknown:s3 object PUT", objectArn)];
      return [on("s3:PutObject", objectArn), ...tags]; // PutObject, UploadPart
    case "POST":
      if (has("uploads") || has("uploadId")) return [on("s3:PutObject", objectArn), ...tags]; // Create/CompleteMultipartUpload
      return [on("unknown:s3 object POST", objectArn)];
    case "DELETE":
      if (has("uploadId")) return [on("s3:AbortMultipartUpload", objectArn)];
      return [on(versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", objectArn)];
    default:
      return [on(`unknown:s3 ${call.method}`, objectArn)];
  }
}

/**
 * A server-side copy is authorized on both objects: reading the source (its version, when the
 * copy source names one), writing the destination. A CopyObject copies the source's tags unless
 * told to replace them (`x-amz-tagging-directive`, COPY by default), which S3 authorizes as
 * reading them there and writing them here; an UploadPartCopy copies bytes only.
 */
function copyPermissions(
  copySource: string,
  call: RecordedCall,
  objectArn: string,
  scope: CallScope,
  on: (action: string, resource: string) => Permission,
): Permission[] {
  const [where = "", query = ""] = copySource.replace(/^\//, "").split("?");
  const [bucket = "", ...rest] = where.split("/");
  const sourceArn = `arn:${scope.partition}:s3:::${bucket}/${rest.map(decodeURIComponent).join("/")}`;
  const versioned = new URLSearchParams(query).has("versionId");
  const read = on(versioned ? "s3:GetObjectVersion" : "s3:GetObject", sourceArn);
  if (call.method !== "PUT") return [on(`unknown:copy ${call.method}`, objectArn)];
  if (Object.hasOwn(call.query, "partNumber")) return [read, on("s3:PutObject", objectArn)];
  const tags =
    (call.taggingDirective ?? "COPY") === "COPY"
      ? [on(versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", sourceArn), on("s3:PutObjectTagging", objectArn)]
      : call.tagging
        ? [on("s3:PutObjectTagging", objectArn)]
        : [];
  return [read, on("s3:PutObject", objectArn), ...tags];
}

/** The batch operations SQS authorizes as their single-message action. */
const SQS_BATCH: Readonly<Record<string, string>> = {
  SendMessageBatch: "SendMessage",
  DeleteMessageBatch: "DeleteMessage",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibility",
};

function jsonPermissions(call: RecordedCall, scope: CallScope): Permission[] {
  const [service = "", operation = ""] = (call.target ?? "").split(".");
  const body = call.body ?? {};
  const describe = `${call.target} ${JSON.stringify(body).slice(0, 120)}`;
  const on = (action: string, resource: string): Permission => ({ action, resource, context: {}, call: describe });
  const region = `${scope.region}:${scope.account}`;
  if (service.startsWith("DynamoDB_")) {
    const table = (name: unknown) => `arn:${scope.partition}:dynamodb:${region}:table/${String(name)}`;
    if (operation === "BatchGetItem" || operation === "BatchWriteItem")
      return Object.keys((body.RequestItems ?? {}) as object).map((name) => on(`dynamodb:${operation}`, table(name)));
    const index = body.IndexName === undefined ? "" : `/index/${String(body.IndexName)}`;
    return [on(`dynamodb:${operation}`, `${table(body.TableName)}${index}`)];
  }
  if (service === "AmazonSSM") {
    const name = String(body.Name ?? "");
    const arn = name.startsWith("arn:") ? name : `arn:${scope.partition}:ssm:${region}:parameter/${name.replace(/^\//, "")}`;
    return [on(`ssm:${operation}`, arn)];
  }
  if (service === "AmazonSQS") {
    const [account = "", name = ""] = new URL(String(body.QueueUrl ?? "http://x/")).pathname.split("/").slice(-2);
    return [on(`sqs:${SQS_BATCH[operation] ?? operation}`, `arn:${scope.partition}:sqs:${scope.region}:${account}:${name}`)];
  }
  if (service === "TrentService") {
    // KMS: the key as the call names it (an ARN, as the functions are given it), the MAC algorithm as its condition key
    const key = String(body.KeyId ?? "");
    const arn = key.startsWith("arn:") ? key : `arn:${scope.partition}:kms:${region}:key/${key}`;
    const context: Record<string, string> = body.MacAlgorithm === undefined ? {} : { "kms:MacAlgorithm": String(body.MacAlgorithm) };
    return [{ action: `kms:${operation}`, resource: arn, context, call: describe }];
  }
  return [on(`unknown:${call.target}`, "*")];
}

/** Whether `statement` grants `permission`'s action on its resource, its conditions aside. */
function names(statement: Statement, permission: Permission): boolean {
  const actions = [statement.Action ?? []].flat();
  const resources = [statement.Resource ?? []].flat();
  return (
    actions.some((action) => glob(action.toLowerCase(), permission.action.toLowerCase())) &&
    resources.some((resource) => glob(resource, permission.resource))
  );
}

function matches(statement: Statement, permission: Permission): boolean {
  return (
    names(statement, permission) &&
    Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => condition(operator, permission.context[key], [expected].flat(), statement.Effect)),
    )
  );
}

/** One condition key test; `IfExists` and negated operators are true when the key is absent. */
function condition(operator: string, actual: string | undefined, expected: string[], effect: Statement["Effect"]): boolean {
  const ifExists = operator.endsWith("IfExists");
  const base = ifExists ? operator.slice(0, -"IfExists".length) : operator;
  const negated = base.includes("Not");
  if (actual === undefined) return ifExists || negated;
  switch (base) {
    case "StringEquals":
      return expected.includes(actual);
    case "StringNotEquals":
      return !expected.includes(actual);
    case "StringLike":
    case "ArnLike":
      return expected.some((pattern) => glob(pattern, actual));
    case "StringNotLike":
    case "ArnNotLike":
      return !expected.some((pattern) => glob(pattern, actual));
    case "Bool":
      return expected.includes(actual);
    default:
      return effect === "Deny";
  }
}

/** IAM wildcards: `*` any run of characters, `?` exactly one. */
function glob(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}
