/*
 * How preflight reads what an SDK call threw: its HTTP status and error name, whether S3 refused
 * the identity, and a short description for a message. Errors of the transfer library (a bucket
 * the side's client found missing while looking for its region) count by their code.
 */
import { AccessDeniedError, BucketMissingError, MigrationError } from "@s3-migrate/transfer";

interface Answered {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function answered(error: unknown): Answered {
  return typeof error === "object" && error !== null ? (error as Answered) : {};
}

/** The HTTP status of an SDK error, when it had an answer. */
export function statusOf(error: unknown): number | undefined {
  return answered(error).$metadata?.httpStatusCode;
}

/** The error's name (`AccessDenied`, `NoSuchBucket`, ...) or the library's code. */
export function nameOf(error: unknown): string {
  if (error instanceof MigrationError) return error.code;
  const shape = answered(error);
  return shape.name ?? shape.code ?? "Error";
}

/** Whether S3 refused the identity (403, `AccessDenied`). */
export function isDenied(error: unknown): boolean {
  if (error instanceof MigrationError) return error instanceof AccessDeniedError;
  return statusOf(error) === 403 || nameOf(error) === "AccessDenied";
}

/** Whether the bucket does not exist where it was looked for (404, `NoSuchBucket`). */
export function isMissingBucket(error: unknown): boolean {
  if (error instanceof MigrationError) return error instanceof BucketMissingError;
  return nameOf(error) === "NoSuchBucket" || (statusOf(error) === 404 && nameOf(error) !== "NoSuchKey");
}

/** `AccessDenied (HTTP 403)`: the error's name and status, for a message. */
export function describeAnswer(error: unknown): string {
  const status = statusOf(error);
  return `${nameOf(error)}${status === undefined ? "" : ` (HTTP ${status})`}`;
}

/** The `signal` option of an SDK `send`, when there is one. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}
