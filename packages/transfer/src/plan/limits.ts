/** Hard limits of S3 multipart uploads (documented by AWS; checked by every plan). */
export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/** Smallest part S3 accepts, except for the last part. */
export const MIN_PART_SIZE = 5 * MIB;
/** Largest part S3 accepts. */
export const MAX_PART_SIZE = 5 * GIB;
/** Most parts one upload may have. */
export const MAX_PARTS = 10_000;
/** Largest object a multipart upload can produce: 10,000 parts of 5 GiB (48.8 TiB). */
export const MAX_OBJECT_SIZE = MAX_PARTS * MAX_PART_SIZE;
/** Largest object a single PutObject may carry. */
export const MAX_SINGLE_PUT_SIZE = 5 * GIB;
