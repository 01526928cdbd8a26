data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  # The side of each pair this account's role touches; the other side is reached with the keys
  # from the credentials parameter, so the role gets no grant on it at all.
  role_reads_source       = var.direction == "PUT"
  role_writes_destination = var.direction == "GET"

  locations = [for p in var.bucket_pairs : {
    bucket = local.role_reads_source ? p.src_bucket : p.des_bucket
    prefix = local.role_reads_source ? p.src_prefix : p.des_prefix
  }]
  buckets      = distinct([for l in local.locations : l.bucket])
  whole_bucket = { for b in local.buckets : b => anytrue([for l in local.locations : l.bucket == b && contains(["", "/"], l.prefix)]) }
  prefixes     = { for b in local.buckets : b => distinct([for l in local.locations : l.prefix if l.bucket == b]) }

  bucket_arns = [for b in local.buckets : "arn:${local.partition}:s3:::${b}"]
  object_arns = flatten([for b in local.buckets : (
    local.whole_bucket[b]
    ? ["arn:${local.partition}:s3:::${b}/*"]
    : [for p in local.prefixes[b] : "arn:${local.partition}:s3:::${b}/${p}*"]
  )])

  # ListBucket limited to the configured prefixes through the s3:prefix condition key.
  list_condition = { for b in local.buckets : b => (
    local.whole_bucket[b] ? {} : { Condition = { StringLike = { "s3:prefix" = [for p in local.prefixes[b] : "${p}*"] } } }
  ) }

  worker_list_actions    = ["s3:ListBucket"]
  jobsender_list_actions = concat(["s3:ListBucket"], var.compare_version_id && local.role_reads_source ? ["s3:ListBucketVersions"] : [])
}

################################################################################
# S3
################################################################################

locals {
  read_object_actions = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:GetObjectAttributes",
    "s3:GetObjectVersionAttributes",
  ]

  # GetObject and GetObjectAttributes on the destination back HeadObject and the checksum
  # read-back of the verification step.
  write_object_actions = concat([
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
    "s3:GetObject",
    "s3:GetObjectAttributes",
  ], var.propagate_deletes ? ["s3:DeleteObject"] : [])

  worker_list_statements = [for i, b in local.buckets : merge({
    Sid      = "ListRoleSideBucket${i}"
    Effect   = "Allow"
    Action   = local.worker_list_actions
    Resource = "arn:${local.partition}:s3:::${b}"
  }, local.list_condition[b])]

  jobsender_list_statements = [for i, b in local.buckets : merge({
    Sid      = "ListRoleSideBucket${i}"
    Effect   = "Allow"
    Action   = local.jobsender_list_actions
    Resource = "arn:${local.partition}:s3:::${b}"
  }, local.list_condition[b])]

  worker_object_statements = length(local.buckets) == 0 ? [] : concat(
    local.role_reads_source ? [{
      Sid      = "ReadSourceObjects"
      Effect   = "Allow"
      Action   = local.read_object_actions
      Resource = local.object_arns
    }] : [],
    local.role_writes_destination ? [{
      Sid      = "WriteDestinationObjects"
      Effect   = "Allow"
      Action   = local.write_object_actions
      Resource = local.object_arns
      }, {
      Sid      = "ListDestinationMultipartUploads"
      Effect   = "Allow"
      Action   = ["s3:ListBucketMultipartUploads"]
      Resource = local.bucket_arns
    }] : [],
  )
}

################################################################################
# SQS, DynamoDB, SSM
################################################################################

locals {
  worker_queue_statement = {
    Sid    = "ConsumeJobQueue"
    Effect = "Allow"
    Action = concat([
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ], var.worker_can_send_messages ? ["sqs:SendMessage"] : [])
    Resource = var.job_queue_arn
  }

  # Terminal failures go straight to the dead-letter queue, with their reason as attributes.
  worker_dead_letter_statement = {
    Sid      = "DeadLetterTerminalFailures"
    Effect   = "Allow"
    Action   = ["sqs:SendMessage"]
    Resource = var.dead_letter_queue_arn
  }

  jobsender_queue_statement = {
    Sid      = "FeedJobQueue"
    Effect   = "Allow"
    Action   = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
    Resource = var.job_queue_arn
  }

  # BatchGetItem: the jobsender checks 100 candidates per call; DeleteItem: it clears a finished
  # pass's checkpoint and releases its run lease (both conditional on its own records).
  ledger_statement = {
    Sid    = "UseLedger"
    Effect = "Allow"
    Action = [
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:Query",
      "dynamodb:ConditionCheckItem",
    ]
    Resource = [var.ledger_table_arn, "${var.ledger_table_arn}/index/*"]
  }

  parameters_statement = {
    Sid      = "ReadConfiguration"
    Effect   = "Allow"
    Action   = ["ssm:GetParameter"]
    Resource = var.parameter_arns
  }
}

################################################################################
# KMS
################################################################################

locals {
  worker_encrypt_keys = distinct(compact(concat(
    [var.ledger_kms_key_arn],
    var.worker_can_send_messages ? [var.queue_kms_key_arn] : [],
    local.role_writes_destination ? var.destination_kms_key_arns : [],
  )))
  worker_decrypt_keys = distinct(compact(concat(
    [var.credentials_kms_key_arn, var.queue_kms_key_arn],
    local.role_reads_source ? var.source_kms_key_arns : [],
    local.worker_encrypt_keys,
  )))

  jobsender_encrypt_keys = distinct(compact([var.ledger_kms_key_arn, var.queue_kms_key_arn]))
  jobsender_decrypt_keys = distinct(compact(concat([var.credentials_kms_key_arn], local.jobsender_encrypt_keys)))

  worker_kms_statements = concat(
    length(local.worker_decrypt_keys) > 0 ? [{
      Sid      = "DecryptWithKeys"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = local.worker_decrypt_keys
    }] : [],
    length(local.worker_encrypt_keys) > 0 ? [{
      Sid      = "EncryptWithKeys"
      Effect   = "Allow"
      Action   = ["kms:GenerateDataKey", "kms:Encrypt"]
      Resource = local.worker_encrypt_keys
    }] : [],
  )

  jobsender_kms_statements = concat(
    length(local.jobsender_decrypt_keys) > 0 ? [{
      Sid      = "DecryptWithKeys"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = local.jobsender_decrypt_keys
    }] : [],
    length(local.jobsender_encrypt_keys) > 0 ? [{
      Sid      = "EncryptWithKeys"
      Effect   = "Allow"
      Action   = ["kms:GenerateDataKey", "kms:Encrypt"]
      Resource = local.jobsender_encrypt_keys
    }] : [],
  )
}

################################################################################
# Documents
################################################################################

locals {
  worker_statements = concat(
    local.worker_list_statements,
    local.worker_object_statements,
    [local.worker_queue_statement, local.ledger_statement, local.parameters_statement],
    var.dead_letter_queue_arn == null ? [] : [local.worker_dead_letter_statement],
    local.worker_kms_statements,
  )

  jobsender_statements = concat(
    local.jobsender_list_statements,
    [local.jobsender_queue_statement, local.ledger_statement, local.parameters_statement],
    local.jobsender_kms_statements,
  )
}
