/**
 * The oldest Node.js major the CLI runs on: the one our Lambdas run (`nodejs22.x`), which the
 * AWS SDK requires of its releases from 2027 (on older Node it prints a deprecation notice).
 * `.node-version` pins the exact release every script runs; a test keeps the two in step.
 */
export const MINIMUM_NODE_MAJOR = 22;

/** Why `version` (as `process.version` gives it) cannot run the CLI; undefined when it can. */
export function unsupportedNode(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= MINIMUM_NODE_MAJOR) return undefined;
  return `s3-migrate needs Node.js ${MINIMUM_NODE_MAJOR} or later (the Lambda runtime, nodejs${MINIMUM_NODE_MAJOR}.x); this is Node.js ${version}`;
}
