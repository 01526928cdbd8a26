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
# Queue policies
################################################################################

locals {
  # Deny statements use `...IfExists` / negated operators so that a key absent from the request
  # (an anonymous caller has no aws:PrincipalArn, an IAM caller no aws:SourceArn) counts as "not
  # an allowed sender" and is denied, while every allowed sender falsifies one of the conditions.
  # Conditions inside one operator block are ANDed: the deny applies only when the caller is
  # none of the allowed ones.
  s3_allowed = var.create_s3_notification_policy && length(var.s3_source_bucket_arns) > 0

  deny_insecure_transport = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = "*"
    Action    = "sqs:*"
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }

  job_queue_statements = concat(
    local.s3_allowed ? [{
      Sid       = "AllowS3EventNotifications"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Condition = merge(
        { ArnLike = { "aws:SourceArn" = var.s3_source_bucket_arns } },
        length(var.s3_source_account_ids) > 0 ? { StringEquals = { "aws:SourceAccount" = var.s3_source_account_ids } } : {},
      )
    }] : [],
    var.restrict_senders ? [{
      Sid       = "DenySendExceptAllowedSenders"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = length(var.sender_principal_arns) + (local.s3_allowed ? 1 : 0) == 0 ? null : {
        ArnNotLikeIfExists = merge(
          length(var.sender_principal_arns) > 0 ? { "aws:PrincipalArn" = var.sender_principal_arns } : {},
          local.s3_allowed ? { "aws:SourceArn" = var.s3_source_bucket_arns } : {},
        )
      }
    }] : [],
    var.restrict_senders && local.s3_allowed && length(var.s3_source_account_ids) > 0 ? [{
      Sid       = "DenyS3EventsFromOtherAccounts"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = {
        ArnLike                 = { "aws:SourceArn" = var.s3_source_bucket_arns }
        StringNotEqualsIfExists = { "aws:SourceAccount" = var.s3_source_account_ids }
      }
    }] : [],
    [local.deny_insecure_transport],
  )

  # Only the worker sends here (terminal failures). The move after `max_receive_count` receives
  # is SQS's own and is authorised by the redrive allow policy; should SQS ever evaluate it as a
  # service request, it carries the SQS service principal and the job queue as its source,
  # which the deny exempts.
  dlq_statements = concat(
    var.restrict_senders ? [{
      Sid       = "DenySendExceptAllowedSenders"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = {
        ArnNotLikeIfExists = merge(
          length(var.dlq_sender_principal_arns) > 0 ? { "aws:PrincipalArn" = var.dlq_sender_principal_arns } : {},
          { "aws:SourceArn" = [try(aws_sqs_queue.this[0].arn, "")] },
        )
        StringNotEqualsIfExists = { "aws:PrincipalServiceName" = "sqs.amazonaws.com" }
      }
    }] : [],
    [local.deny_insecure_transport],
  )

  job_queue_policy = var.create ? jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in local.job_queue_statements : merge({ for k, v in s : k => v if v != null }, { Resource = aws_sqs_queue.this[0].arn })]
  }) : null

  dlq_policy = var.create ? jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in local.dlq_statements : merge(s, { Resource = aws_sqs_queue.dlq[0].arn })]
  }) : null
}

resource "aws_sqs_queue_policy" "this" {
  count = var.create ? 1 : 0

  queue_url = aws_sqs_queue.this[0].id
  policy    = local.job_queue_policy

  lifecycle {
    precondition {
      condition     = !var.create_s3_notification_policy || length(var.s3_source_bucket_arns) > 0
      error_message = "Expected at least one `s3_source_bucket_arns` element when `create_s3_notification_policy` is true."
    }

    precondition {
      condition     = length(local.job_queue_policy) <= 8192
      error_message = "The job queue policy is ${length(local.job_queue_policy)} bytes, over the 8,192 SQS allows: pass fewer `sender_principal_arns` or `s3_source_bucket_arns`."
    }
  }
}

resource "aws_sqs_queue_policy" "dlq" {
  count = var.create ? 1 : 0

  queue_url = aws_sqs_queue.dlq[0].id
  policy    = local.dlq_policy

  lifecycle {
    precondition {
      condition     = length(local.dlq_policy) <= 8192
      error_message = "The dead-letter queue policy is ${length(local.dlq_policy)} bytes, over the 8,192 SQS allows: pass fewer `dlq_sender_principal_arns`."
    }
  }
}
