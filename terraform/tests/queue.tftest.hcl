# The queue module alone: redrive, visibility, encryption, S3 notification policy.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name                       = "t-jobs"
  visibility_timeout_seconds = 960
  worker_timeout_seconds     = 900
}

run "defaults" {
  command = plan

  module {
    source = "./modules/queue"
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this[0].redrive_policy).maxReceiveCount == 60
    error_message = "The job queue must move a message to the DLQ after 60 receives by default."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this[0].redrive_policy).deadLetterTargetArn == aws_sqs_queue.dlq[0].arn
    error_message = "The job queue's dead-letter target must be the DLQ."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq[0].redrive_allow_policy).redrivePermission == "byQueue"
    error_message = "Only named queues may use the DLQ."
  }

  assert {
    condition     = aws_sqs_queue.this[0].visibility_timeout_seconds >= var.worker_timeout_seconds
    error_message = "The visibility timeout must be at least the worker timeout."
  }

  assert {
    condition     = aws_sqs_queue.this[0].message_retention_seconds == 1209600 && aws_sqs_queue.dlq[0].message_retention_seconds == 1209600
    error_message = "Both queues must keep messages 14 days."
  }

  assert {
    condition     = aws_sqs_queue.this[0].sqs_managed_sse_enabled == true && aws_sqs_queue.dlq[0].sqs_managed_sse_enabled == true
    error_message = "Both queues must be encrypted (SSE-SQS by default)."
  }

  assert {
    condition     = length(aws_sqs_queue_policy.this) == 0
    error_message = "No queue policy without S3 notifications."
  }
}

run "kms_encryption" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_sqs_queue.this[0].kms_master_key_id == var.kms_master_key_id && aws_sqs_queue.dlq[0].kms_master_key_id == var.kms_master_key_id
    error_message = "Both queues must use the given KMS key."
  }
}

run "s3_notification_policy" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    create_s3_notification_policy = true
    s3_source_bucket_arns         = ["arn:aws:s3:::src-bucket"]
    s3_source_account_ids         = ["111122223333"]
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.this[0].policy).Statement[0].Principal.Service == "s3.amazonaws.com"
    error_message = "The queue policy must allow the S3 service."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.this[0].policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == ["arn:aws:s3:::src-bucket"]
    error_message = "The queue policy must be limited to the named buckets."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.this[0].policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == ["111122223333"]
    error_message = "The queue policy must check the source account when given."
  }
}

run "visibility_below_worker_timeout_is_refused" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    visibility_timeout_seconds = 300
  }

  expect_failures = [aws_sqs_queue.this]
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    create = false
  }

  assert {
    condition     = length(aws_sqs_queue.this) + length(aws_sqs_queue.dlq) + length(aws_sqs_queue_redrive_allow_policy.dlq) + length(aws_sqs_queue_policy.this) == 0
    error_message = "create = false must create nothing."
  }
}
