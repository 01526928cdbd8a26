locals {
  dlq_name         = coalesce(var.dlq_name, "${var.name}-dlq")
  event_queue_name = coalesce(var.event_queue_name, "${var.name}-events")
  use_kms          = var.kms_master_key_id != null
  # S3 event notifications get a queue of their own, which only S3 may write: S3 cannot sign a
  # message, so the queue a message arrived on is what proves it is S3's.
  create_event_queue = var.create && var.create_s3_notification_policy
}

################################################################################
# Message authentication key
################################################################################

# Every message of ours on the job queue carries an HMAC-SHA-256 of its body, computed by KMS with
# this key (GenerateMac); the worker checks it (VerifyMac) before acting on anything. The key never
# leaves KMS: IAM decides who may sign (the functions, operators through `s3-migrate send`) and
# who may check (the worker). The default key policy leaves that to IAM policies of this account.
resource "aws_kms_key" "messages" {
  count = var.create && var.create_message_key ? 1 : 0

  description              = "${var.name}: signs and checks the messages of the job queue (HMAC-SHA-256)"
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
  deletion_window_in_days  = var.message_key_deletion_window_in_days

  tags = var.tags
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

################################################################################
# Event queue (S3 event notifications only)
################################################################################

resource "aws_sqs_queue" "events" {
  count = local.create_event_queue ? 1 : 0

  name                       = local.event_queue_name
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
}

# Only the job queue and the event queue may use the DLQ as their dead-letter target. A separate
# resource, because their redrive policies already refer to the DLQ and inlining this would be a cycle.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.create ? 1 : 0

  queue_url = aws_sqs_queue.dlq[0].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = concat([aws_sqs_queue.this[0].arn], aws_sqs_queue.events[*].arn)
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

  # The job queue: the functions and the operators, never S3 (its events have a queue of their own).
  job_queue_statements = concat(
    var.restrict_senders ? [{
      Sid       = "DenySendExceptAllowedSenders"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = length(var.sender_principal_arns) == 0 ? null : {
        ArnNotLikeIfExists = { "aws:PrincipalArn" = var.sender_principal_arns }
      }
    }] : [],
    [local.deny_insecure_transport],
  )

  # The event queue: S3, for the named buckets of the named accounts, and no one else whatever
  # their IAM policies say (an IAM principal's request has no aws:SourceArn, so the deny applies).
  event_queue_statements = concat(
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
    [{
      Sid       = "DenySendExceptS3"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = { ArnNotLikeIfExists = { "aws:SourceArn" = var.s3_source_bucket_arns } }
    }],
    local.s3_allowed && length(var.s3_source_account_ids) > 0 ? [{
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
  # service request, it carries the SQS service principal and the job or event queue as its
  # source, which the deny exempts.
  dlq_statements = concat(
    var.restrict_senders ? [{
      Sid       = "DenySendExceptAllowedSenders"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Condition = {
        ArnNotLikeIfExists = merge(
          length(var.dlq_sender_principal_arns) > 0 ? { "aws:PrincipalArn" = var.dlq_sender_principal_arns } : {},
          { "aws:SourceArn" = concat([try(aws_sqs_queue.this[0].arn, "")], aws_sqs_queue.events[*].arn) },
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

  event_queue_policy = local.create_event_queue ? jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in local.event_queue_statements : merge(s, { Resource = aws_sqs_queue.events[0].arn })]
  }) : null

  dlq_policy = var.create ? jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in local.dlq_statements : merge(s, { Resource = aws_sqs_queue.dlq[0].arn })]
  }) : null
}

resource "aws_sqs_queue_policy" "events" {
  count = local.create_event_queue ? 1 : 0

  queue_url = aws_sqs_queue.events[0].id
  policy    = local.event_queue_policy

  lifecycle {
    precondition {
      condition     = length(var.s3_source_bucket_arns) > 0
      error_message = "Expected at least one `s3_source_bucket_arns` element when `create_s3_notification_policy` is true."
    }

    precondition {
      condition     = length(local.event_queue_policy) <= 8192
      error_message = "The event queue policy is ${length(local.event_queue_policy)} bytes, over the 8,192 SQS allows: pass fewer `s3_source_bucket_arns`."
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  count = var.create ? 1 : 0

  queue_url = aws_sqs_queue.this[0].id
  policy    = local.job_queue_policy

  lifecycle {
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
