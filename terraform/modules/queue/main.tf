locals {
  dlq_name = coalesce(var.dlq_name, "${var.name}-dlq")
  use_kms  = var.kms_master_key_id != null
}

################################################################################
# Dead-letter queue
################################################################################

resource "aws_sqs_queue" "dlq" {
  count = var.create ? 1 : 0

  name                      = local.dlq_name
  message_retention_seconds = var.dlq_message_retention_seconds

  sqs_managed_sse_enabled           = local.use_kms ? null : true
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.use_kms ? var.kms_data_key_reuse_period_seconds : null

  tags = var.tags
}

################################################################################
# Job queue
################################################################################

resource "aws_sqs_queue" "this" {
  count = var.create ? 1 : 0

  name                       = var.name
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = var.receive_wait_time_seconds

  sqs_managed_sse_enabled           = local.use_kms ? null : true
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.use_kms ? var.kms_data_key_reuse_period_seconds : null

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[0].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.visibility_timeout_seconds >= var.worker_timeout_seconds
      error_message = "Expected `visibility_timeout_seconds` (${var.visibility_timeout_seconds}) to be at least `worker_timeout_seconds` (${var.worker_timeout_seconds}): a shorter timeout redelivers messages the worker still holds."
    }
  }
}

# Only the job queue may use the DLQ as its dead-letter target. A separate resource, because the
# job queue's redrive policy already refers to the DLQ and inlining this would be a cycle.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.create ? 1 : 0

  queue_url = aws_sqs_queue.dlq[0].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[0].arn]
  })
}

################################################################################
# Queue policy (S3 event notifications)
################################################################################

resource "aws_sqs_queue_policy" "this" {
  count = var.create && var.create_s3_notification_policy ? 1 : 0

  queue_url = aws_sqs_queue.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowS3EventNotifications"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this[0].arn
      Condition = merge(
        { ArnLike = { "aws:SourceArn" = var.s3_source_bucket_arns } },
        length(var.s3_source_account_ids) > 0 ? { StringEquals = { "aws:SourceAccount" = var.s3_source_account_ids } } : {},
      )
    }]
  })

  lifecycle {
    precondition {
      condition     = length(var.s3_source_bucket_arns) > 0
      error_message = "Expected at least one `s3_source_bucket_arns` element when `create_s3_notification_policy` is true."
    }
  }
}
