/**
 * SQS's own limits, in one place (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
 */
export const SQS_LIMITS = {
  /** A message (body and attributes), and a whole SendMessageBatch, hold at most 256 KiB. */
  maxMessageBytes: 256 * 1024,
  /** SendMessageBatch, DeleteMessageBatch and ReceiveMessage take at most 10 entries. */
  maxBatchEntries: 10,
  /** A message is delayed by at most 15 minutes. */
  maxDelaySeconds: 900,
  /** A message's visibility timeout is at most 12 hours. */
  maxVisibilityTimeoutSeconds: 43_200,
} as const;
