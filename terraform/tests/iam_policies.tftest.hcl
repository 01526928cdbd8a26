# The iam-policies module alone: the role reaches only its own side of each pair, S3 grants
# never use a `*` resource, and KMS is granted only on the keys given.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  job_queue_arn    = "arn:aws:sqs:us-east-1:111122223333:t-jobs"
  ledger_table_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/t-ledger"
  parameter_arns = [
    "arn:aws:ssm:us-east-1:111122223333:parameter/t/bucket-pairs",
    "arn:aws:ssm:us-east-1:111122223333:parameter/t/ignore-list",
    "arn:aws:ssm:us-east-1:111122223333:parameter/s3_migration_credentials",
  ]
  bucket_pairs = [
    { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy/" },
    { src_bucket = "src-a", src_prefix = "logs/", des_bucket = "dst-a", des_prefix = "logs/" },
    { src_bucket = "src-b", src_prefix = "", des_bucket = "dst-b", des_prefix = "" },
  ]
}

run "put_reads_sources_only" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  # No S3 statement may grant a bare `*` resource or every bucket.
  assert {
    condition = alltrue(flatten([for doc in [output.worker_policy_json, output.jobsender_policy_json] : [
      for s in jsondecode(doc).Statement : [
        for r in flatten([s.Resource]) : r != "*" && !can(regex("^arn:[^:]+:s3:::\\*", r))
      ] if anytrue([for a in flatten([s.Action]) : startswith(a, "s3:")])
    ]]))
    error_message = "An S3 action is granted on a `*` resource."
  }

  assert {
    condition     = !anytrue(flatten([for doc in [output.worker_policy_json, output.jobsender_policy_json] : [for s in jsondecode(doc).Statement : [for a in flatten([s.Action]) : a == "*" || a == "s3:*"]]]))
    error_message = "No wildcard actions."
  }

  assert {
    condition     = toset(output.role_object_arns) == toset(["arn:aws:s3:::src-a/data/*", "arn:aws:s3:::src-a/logs/*", "arn:aws:s3:::src-b/*"])
    error_message = "PUT must grant exactly the source prefixes: ${jsonencode(output.role_object_arns)}."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "dst-") && !strcontains(output.jobsender_policy_json, "dst-")
    error_message = "PUT must not grant anything on destination buckets (the credentials write them)."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      contains(s.Action, "s3:GetObject") && contains(s.Action, "s3:GetObjectVersion") && contains(s.Action, "s3:GetObjectTagging") && !contains(s.Action, "s3:PutObject")
      if s.Sid == "ReadSourceObjects"
    ])
    error_message = "PUT must let the worker read (not write) source objects."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      try(toset(s.Condition.StringLike["s3:prefix"]) == toset(["data/*", "logs/*"]), false)
      if s.Resource == "arn:aws:s3:::src-a"
    ])
    error_message = "Listing src-a must be limited to its prefixes."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      !can(s.Condition) if s.Resource == "arn:aws:s3:::src-b"
    ])
    error_message = "A whole-bucket pair lists the bucket without a prefix condition."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      !anytrue([for a in flatten([s.Action]) : startswith(a, "s3:Get") || startswith(a, "s3:Put")])
    ])
    error_message = "The jobsender only lists buckets; it reads and writes no objects."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "kms:") && !strcontains(output.jobsender_policy_json, "kms:")
    error_message = "No KMS grant without customer managed keys."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      contains(s.Action, "sqs:ReceiveMessage") && contains(s.Action, "sqs:DeleteMessage") && contains(s.Action, "sqs:ChangeMessageVisibility")
      if s.Resource == var.job_queue_arn
    ])
    error_message = "The worker must consume the job queue."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Resource) == toset([var.ledger_table_arn, "${var.ledger_table_arn}/index/*"]) if s.Sid == "UseLedger"
    ])
    error_message = "The ledger grant must cover the table and its indexes only."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Action) == toset(["ssm:GetParameter"]) && toset(s.Resource) == toset(var.parameter_arns) if s.Sid == "ReadConfiguration"
    ])
    error_message = "SSM must be limited to GetParameter on exactly the configuration parameters."
  }
}

run "get_writes_destinations_only" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    direction         = "GET"
    propagate_deletes = true
  }

  assert {
    condition     = toset(output.role_object_arns) == toset(["arn:aws:s3:::dst-a/copy/*", "arn:aws:s3:::dst-a/logs/*", "arn:aws:s3:::dst-b/*"])
    error_message = "GET must grant exactly the destination prefixes: ${jsonencode(output.role_object_arns)}."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "src-") && !strcontains(output.jobsender_policy_json, "src-")
    error_message = "GET must not grant anything on source buckets (the credentials read them)."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      contains(s.Action, "s3:PutObject") && contains(s.Action, "s3:AbortMultipartUpload") && contains(s.Action, "s3:ListMultipartUploadParts") && contains(s.Action, "s3:DeleteObject")
      if s.Sid == "WriteDestinationObjects"
    ])
    error_message = "GET must let the worker write (and, with delete propagation, delete) destination objects."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(flatten([s.Resource])) == toset(["arn:aws:s3:::dst-a", "arn:aws:s3:::dst-b"]) if contains(flatten([s.Action]), "s3:ListBucketMultipartUploads")
    ])
    error_message = "GET must let the worker list the destination's multipart uploads."
  }
}

run "kms_only_on_given_keys" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    credentials_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/cred"
    queue_kms_key_arn       = "arn:aws:kms:us-east-1:111122223333:key/queue"
    source_kms_key_arns     = ["arn:aws:kms:us-east-1:111122223333:key/src"]
    destination_kms_key_arns = [
      "arn:aws:kms:cn-northwest-1:444455556666:key/dst",
    ]
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Resource) == toset([
        "arn:aws:kms:us-east-1:111122223333:key/cred",
        "arn:aws:kms:us-east-1:111122223333:key/queue",
        "arn:aws:kms:us-east-1:111122223333:key/src",
      ]) if s.Sid == "DecryptWithKeys"
    ])
    error_message = "With PUT the worker decrypts the credentials, queue and source keys, and not the destination key."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      toset(s.Resource) == toset(["arn:aws:kms:us-east-1:111122223333:key/queue"]) if s.Sid == "EncryptWithKeys"
    ])
    error_message = "The jobsender encrypts with the queue key only."
  }
}

run "bad_direction_is_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    direction = "SYNC"
  }

  expect_failures = [var.direction]
}
