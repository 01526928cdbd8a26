# The queue module alone: redrive, visibility, encryption, and the queue policies that close
# both queues to every sender but the allowed ones.

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
    condition     = aws_kms_key.messages[0].customer_master_key_spec == "HMAC_256" && aws_kms_key.messages[0].key_usage == "GENERATE_VERIFY_MAC"
    error_message = "The queue's messages are signed with an HMAC_256 key of its own, for GenerateMac and VerifyMac only."
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

  # Without senders given, nobody may send (the functions' roles are always passed by the root).
  assert {
    condition     = [for st in jsondecode(aws_sqs_queue_policy.this[0].policy).Statement : st.Sid] == ["DenySendExceptAllowedSenders", "DenyInsecureTransport"]
    error_message = "The job queue policy must deny sending and insecure transport, and allow nothing."
  }

  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.this[0].policy).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Action == "sqs:SendMessage" && !can(st.Condition) if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "With no allowed sender the deny must have no exception."
  }

  assert {
    condition = alltrue([for p in [aws_sqs_queue_policy.this[0].policy, aws_sqs_queue_policy.dlq[0].policy] : anytrue([for st in jsondecode(p).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Action == "sqs:*" && st.Condition == { Bool = { "aws:SecureTransport" = "false" } }
      if st.Sid == "DenyInsecureTransport"
    ])])
    error_message = "Both queues must refuse requests without TLS."
  }

  assert {
    condition     = aws_sqs_queue_policy.dlq[0].queue_url == aws_sqs_queue.dlq[0].id && aws_sqs_queue_policy.this[0].queue_url == aws_sqs_queue.this[0].id
    error_message = "Each policy must be on its own queue."
  }
}

run "allowed_senders" {
  command = plan

  module {
    source = "./modules/queue"
  }

  override_resource {
    target          = aws_sqs_queue.this
    override_during = plan
    values          = { arn = "arn:aws:sqs:us-east-1:111122223333:t-jobs", id = "https://sqs.us-east-1.amazonaws.com/111122223333/t-jobs" }
  }

  override_resource {
    target          = aws_sqs_queue.dlq
    override_during = plan
    values          = { arn = "arn:aws:sqs:us-east-1:111122223333:t-jobs-dlq", id = "https://sqs.us-east-1.amazonaws.com/111122223333/t-jobs-dlq" }
  }

  variables {
    sender_principal_arns     = ["arn:aws:iam::111122223333:role/t-worker", "arn:aws:iam::111122223333:role/t-jobsender", "arn:aws:iam::111122223333:role/ops/operator"]
    dlq_sender_principal_arns = ["arn:aws:iam::111122223333:role/t-worker"]
  }

  # A Lambda's calls come from an assumed-role session whose aws:PrincipalArn is the role ARN.
  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.this[0].policy).Statement :
      st.Condition == { ArnNotLikeIfExists = { "aws:PrincipalArn" = ["arn:aws:iam::111122223333:role/t-worker", "arn:aws:iam::111122223333:role/t-jobsender", "arn:aws:iam::111122223333:role/ops/operator"] } }
      && st.Resource == "arn:aws:sqs:us-east-1:111122223333:t-jobs"
      if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "The job queue must deny SendMessage unless aws:PrincipalArn is an allowed sender."
  }

  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.dlq[0].policy).Statement :
      st.Condition == {
        ArnNotLikeIfExists = {
          "aws:PrincipalArn" = ["arn:aws:iam::111122223333:role/t-worker"]
          "aws:SourceArn"    = ["arn:aws:sqs:us-east-1:111122223333:t-jobs"]
        }
        StringNotEqualsIfExists = { "aws:PrincipalServiceName" = "sqs.amazonaws.com" }
      } && st.Resource == "arn:aws:sqs:us-east-1:111122223333:t-jobs-dlq"
      if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "The DLQ must take only the worker's messages (SQS's own redrive from the job queue exempted)."
  }

  assert {
    condition     = !anytrue([for p in [aws_sqs_queue_policy.this[0].policy, aws_sqs_queue_policy.dlq[0].policy] : anytrue([for st in jsondecode(p).Statement : st.Effect == "Allow"])])
    error_message = "Without S3 events the policies allow nothing: same-account senders are allowed by their IAM policies."
  }
}

run "senders_unrestricted" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    restrict_senders = false
  }

  assert {
    condition     = [for st in jsondecode(aws_sqs_queue_policy.this[0].policy).Statement : st.Sid] == ["DenyInsecureTransport"] && [for st in jsondecode(aws_sqs_queue_policy.dlq[0].policy).Statement : st.Sid] == ["DenyInsecureTransport"]
    error_message = "restrict_senders = false must leave only the TLS deny."
  }
}

run "assumed_role_sender_is_refused" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    sender_principal_arns     = ["arn:aws:sts::111122223333:assumed-role/t-worker/session"]
    dlq_sender_principal_arns = ["*"]
  }

  expect_failures = [var.sender_principal_arns, var.dlq_sender_principal_arns]
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
    sender_principal_arns         = ["arn:aws:iam::111122223333:role/t-worker"]
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.events[0].policy).Statement[0].Principal.Service == "s3.amazonaws.com"
    error_message = "The event queue policy must allow the S3 service."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.events[0].policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == ["arn:aws:s3:::src-bucket"]
    error_message = "The event queue policy must be limited to the named buckets."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.events[0].policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == ["111122223333"]
    error_message = "The event queue policy must check the source account when given."
  }

  # The event queue: S3 of the named buckets only; no role, not even the functions', may send.
  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.events[0].policy).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Condition == { ArnNotLikeIfExists = { "aws:SourceArn" = ["arn:aws:s3:::src-bucket"] } }
      if st.Sid == "DenySendExceptS3"
    ]) && !strcontains(aws_sqs_queue_policy.events[0].policy, "t-worker")
    error_message = "The event queue must deny every sender but S3 for the named buckets."
  }

  # The job queue: the allowed roles only, never S3.
  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.this[0].policy).Statement :
      st.Condition == { ArnNotLikeIfExists = { "aws:PrincipalArn" = ["arn:aws:iam::111122223333:role/t-worker"] } }
      if st.Sid == "DenySendExceptAllowedSenders"
    ]) && !strcontains(aws_sqs_queue_policy.this[0].policy, "s3.amazonaws.com")
    error_message = "The job queue must take the allowed roles only, and no S3 events."
  }

  assert {
    condition     = aws_sqs_queue.events[0].name == "${var.name}-events" && jsondecode(aws_sqs_queue.events[0].redrive_policy).deadLetterTargetArn == aws_sqs_queue.dlq[0].arn
    error_message = "The event queue is named after the job queue and dead-letters to the same DLQ."
  }

  # A bucket name can be taken over by another account after a delete: its events stay out.
  assert {
    condition = anytrue([for st in jsondecode(aws_sqs_queue_policy.events[0].policy).Statement :
      st.Effect == "Deny" && st.Action == "sqs:SendMessage" && st.Condition == {
        ArnLike                 = { "aws:SourceArn" = ["arn:aws:s3:::src-bucket"] }
        StringNotEqualsIfExists = { "aws:SourceAccount" = ["111122223333"] }
      } if st.Sid == "DenyS3EventsFromOtherAccounts"
    ])
    error_message = "Events of the named buckets must come from their account."
  }

  assert {
    condition     = length(jsondecode(aws_sqs_queue_policy.events[0].policy).Statement) <= 20 && length(aws_sqs_queue_policy.events[0].policy) <= 8192
    error_message = "The policy must fit SQS's quotas (20 statements, 8,192 bytes)."
  }
}

run "s3_notification_policy_without_buckets_is_refused" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    create_s3_notification_policy = true
  }

  expect_failures = [aws_sqs_queue_policy.events]
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
    condition     = length(aws_sqs_queue.this) + length(aws_sqs_queue.dlq) + length(aws_sqs_queue_redrive_allow_policy.dlq) + length(aws_sqs_queue_policy.this) + length(aws_sqs_queue_policy.dlq) == 0
    error_message = "create = false must create nothing."
  }
}
