# The iam-policies module alone: the role reaches only its own side of each pair, S3 grants
# never use a `*` resource, each function gets exactly the calls its code makes, KMS is granted
# only on the keys given and only through their services, and the other account's key and the
# operators get documents of their own.

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

  # ObjectTransitions and BatchLeases (worker): GetCommand, UpdateCommand; a batch's records with
  # BatchGetCommand; FanoutTransitions (worker): PutCommand for range items, QueryCommand for an
  # object's ranges. ObjectLedger and PassStateStore (jobsender): BatchGetCommand, UpdateCommand;
  # GetCommand, PutCommand, DeleteCommand.
  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Action) == toset(["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query"]) && s.Resource == [var.ledger_table_arn] if s.Sid == "UseLedger"
    ])
    error_message = "The worker may only get (one or a batch), update and put items of the ledger table, and query it (no index)."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      toset(s.Action) == toset(["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]) && s.Resource == [var.ledger_table_arn]
      if s.Sid == "UseLedger"
    ])
    error_message = "The jobsender gets exactly the ledger calls it makes, on the table only."
  }

  assert {
    condition = alltrue([for doc in [output.worker_policy_json, output.jobsender_policy_json] :
      !strcontains(doc, "/index/") && !strcontains(doc, "dynamodb:ConditionCheckItem")
    ]) && !strcontains(output.jobsender_policy_json, "dynamodb:Query")
    error_message = "No function runs status: no index, no ConditionCheckItem; only the worker queries (its fan-out's range items, on the table)."
  }

  assert {
    condition = alltrue([for doc in [output.worker_policy_json, output.jobsender_policy_json, output.credentials_policy_json] :
      !strcontains(doc, "s3:GetObjectAttributes") && !strcontains(doc, "s3:GetObjectVersionAttributes")
    ])
    error_message = "Nothing sends GetObjectAttributes: s3:GetObjectAttributes and s3:GetObjectVersionAttributes must not be granted."
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

  # A destination key is the destination folder joined with the full source key: the grant is
  # the folder plus the source prefix, never the whole folder.
  assert {
    condition     = toset(output.role_object_arns) == toset(["arn:aws:s3:::dst-a/copy/data/*", "arn:aws:s3:::dst-a/logs/logs/*", "arn:aws:s3:::dst-b/*"])
    error_message = "GET must grant exactly where the pairs write: ${jsonencode(output.role_object_arns)}."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      try(toset(s.Condition.StringLike["s3:prefix"]) == toset(["copy/data/*", "logs/logs/*"]), false)
      if s.Resource == "arn:aws:s3:::dst-a"
    ])
    error_message = "Listing dst-a must be limited to the prefixes the jobsender lists there."
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
    ledger_kms_key_arn      = "arn:aws:kms:us-east-1:111122223333:key/ledger"
    source_kms_key_arns     = ["arn:aws:kms:us-east-1:111122223333:key/src"]
    destination_kms_key_arns = [
      "arn:aws-cn:kms:cn-northwest-1:444455556666:key/dst",
    ]
  }

  assert {
    condition = toset(flatten([for s in jsondecode(output.worker_policy_json).Statement : s.Resource if startswith(s.Action[0], "kms:")])) == toset([
      "arn:aws:kms:us-east-1:111122223333:key/cred",
      "arn:aws:kms:us-east-1:111122223333:key/queue",
      "arn:aws:kms:us-east-1:111122223333:key/ledger",
      "arn:aws:kms:us-east-1:111122223333:key/src",
    ])
    error_message = "With PUT the worker uses the credentials, queue, ledger and source keys, and not the destination key."
  }

  # Each key only through the service holding what it protects, in the key's region.
  assert {
    condition = alltrue([for s in jsondecode(output.worker_policy_json).Statement : lookup({
      DecryptCredentials   = ["ssm.us-east-1.amazonaws.com"]
      UseQueueKey          = ["sqs.us-east-1.amazonaws.com"]
      UseLedgerKey         = ["dynamodb.us-east-1.amazonaws.com"]
      DecryptSourceObjects = ["s3.us-east-1.amazonaws.com"]
    }, s.Sid, null) == s.Condition.StringEquals["kms:ViaService"] if startswith(s.Action[0], "kms:")])
    error_message = "Every KMS grant of the worker must carry the kms:ViaService of its service."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Action) == toset(["kms:Decrypt"]) if s.Sid == "DecryptCredentials"
    ])
    error_message = "The credentials key is only decrypted."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      s.Resource == ["arn:aws:kms:us-east-1:111122223333:key/queue"] && toset(s.Action) == toset(["kms:Decrypt", "kms:GenerateDataKey"]) if s.Sid == "UseQueueKey"
    ])
    error_message = "The jobsender sends with the queue key (GenerateDataKey and Decrypt)."
  }

  assert {
    condition     = !strcontains(output.jobsender_policy_json, "key/src") && !strcontains(output.jobsender_policy_json, "s3.us-east-1")
    error_message = "The jobsender only lists: no object key."
  }

  # With PUT the destination key is the other account's: it belongs in the credentials' policy.
  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      s.Resource == ["arn:aws-cn:kms:cn-northwest-1:444455556666:key/dst"] && s.Condition.StringEquals["kms:ViaService"] == ["s3.cn-northwest-1.amazonaws.com.cn"]
      if s.Sid == "EncryptDestinationObjects"
    ])
    error_message = "The credentials' policy must use the destination key through S3 in China."
  }
}

run "dlq_needs_the_queue_key_without_job_queue_sends" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    dead_letter_queue_arn    = "arn:aws:sqs:us-east-1:111122223333:t-jobs-dlq"
    worker_can_send_messages = false
    queue_kms_key_arn        = "arn:aws:kms:us-east-1:111122223333:key/queue"
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      !contains(s.Action, "sqs:SendMessage") if s.Sid == "ConsumeJobQueue"
    ])
    error_message = "worker_can_send_messages = false must take SendMessage on the job queue away."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      s.Action == ["sqs:SendMessage"] && s.Resource == var.dead_letter_queue_arn if s.Sid == "DeadLetterTerminalFailures"
    ])
    error_message = "The worker must still dead-letter terminal failures."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      contains(s.Action, "kms:GenerateDataKey") && contains(s.Action, "kms:Decrypt") if s.Sid == "UseQueueKey"
    ])
    error_message = "Sending to the DLQ (same key) needs GenerateDataKey on the queue key."
  }
}

run "china_partition" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn", dns_suffix = "amazonaws.com.cn" }
  }

  variables {
    queue_kms_key_arn = "arn:aws-cn:kms:cn-northwest-1:111122223333:key/queue"
  }

  assert {
    condition     = output.other_partition == "aws" && toset(output.role_object_arns) == toset(["arn:aws-cn:s3:::src-a/data/*", "arn:aws-cn:s3:::src-a/logs/*", "arn:aws-cn:s3:::src-b/*"])
    error_message = "Deployed in aws-cn, the role's ARNs are aws-cn and the other side is aws."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      s.Condition.StringEquals["kms:ViaService"] == ["sqs.cn-northwest-1.amazonaws.com.cn"] if s.Sid == "UseQueueKey"
    ])
    error_message = "In China, kms:ViaService ends in amazonaws.com.cn."
  }

  assert {
    condition     = toset(output.credentials_bucket_arns) == toset(["arn:aws:s3:::dst-a", "arn:aws:s3:::dst-b"])
    error_message = "The other side's buckets are in the aws partition."
  }
}

# With PUT the key in the SecureString writes the destinations, in the other partition.
run "credentials_policy_put" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [
      { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy" },
      { src_bucket = "src-b", src_prefix = "", des_bucket = "dst-b", des_prefix = "/" },
    ]
    copy_tags         = false
    propagate_deletes = true
  }

  assert {
    condition     = toset(output.credentials_object_arns) == toset(["arn:aws-cn:s3:::dst-a/copy/data/*", "arn:aws-cn:s3:::dst-b/*"])
    error_message = "The key writes the destinations, `copy` being the folder `copy/`, in aws-cn: ${jsonencode(output.credentials_object_arns)}."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Action) == toset(["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject", "s3:DeleteObject"])
      if s.Sid == "WriteDestinationObjects"
    ])
    error_message = "The key gets the write actions, DeleteObject with propagate_deletes, and no tagging without copy_tags."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Condition.StringLike["s3:prefix"]) == toset(["copy/data/*"]) && s.Action == ["s3:ListBucket"]
      if s.Resource == "arn:aws-cn:s3:::dst-a"
      ]) && anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      !can(s.Condition) if s.Resource == "arn:aws-cn:s3:::dst-b"
    ])
    error_message = "The key lists dst-a under the pair's prefix only, and dst-b whole."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Resource) == toset(["arn:aws-cn:s3:::dst-a", "arn:aws-cn:s3:::dst-b"]) if s.Sid == "ListDestinationMultipartUploads"
    ])
    error_message = "The key lists the destinations' multipart uploads (resume)."
  }

  assert {
    condition     = !strcontains(output.credentials_policy_json, "src-") && !strcontains(output.credentials_policy_json, "arn:aws:") && !strcontains(output.credentials_policy_json, "Tagging")
    error_message = "With PUT the key reaches no source and nothing in our partition."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "Tagging")
    error_message = "Without copy_tags no tagging action is granted."
  }
}

# With GET the key reads the sources.
run "credentials_policy_get" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    direction           = "GET"
    compare_version_id  = true
    other_partition     = "aws-us-gov"
    source_kms_key_arns = ["arn:aws-us-gov:kms:us-gov-west-1:444455556666:key/src"]
  }

  assert {
    condition     = toset(output.credentials_object_arns) == toset(["arn:aws-us-gov:s3:::src-a/data/*", "arn:aws-us-gov:s3:::src-a/logs/*", "arn:aws-us-gov:s3:::src-b/*"])
    error_message = "With GET the key reads the source prefixes, in other_partition."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Action) == toset(["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"]) if s.Sid == "ReadSourceObjects"
    ])
    error_message = "The key reads objects, versions and tags, and writes nothing."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Action) == toset(["s3:ListBucket", "s3:ListBucketVersions"]) && toset(s.Condition.StringLike["s3:prefix"]) == toset(["data/*", "logs/*"])
      if s.Resource == "arn:aws-us-gov:s3:::src-a"
    ])
    error_message = "The key lists source versions with compare_version_id, under the pairs' prefixes."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      s.Action == ["kms:Decrypt"] && s.Condition.StringEquals["kms:ViaService"] == ["s3.us-gov-west-1.amazonaws.com"] if s.Sid == "DecryptSourceObjects"
    ])
    error_message = "With GET the source keys belong to the credentials' policy."
  }

  assert {
    condition     = !strcontains(output.credentials_policy_json, "dst-") && !strcontains(output.credentials_policy_json, "s3:Put")
    error_message = "With GET the key reaches no destination."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "key/src") && !strcontains(output.jobsender_policy_json, "ListBucketVersions")
    error_message = "With GET the role neither decrypts sources nor lists their versions."
  }
}

# Server-side copy: one identity, the role, on both sides in this partition; no key at all.
run "server_side_copy_grants_both_sides_to_the_role" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    server_side_copy         = true
    compare_version_id       = true
    credentials_kms_key_arn  = "arn:aws:kms:us-east-1:111122223333:key/credentials"
    source_kms_key_arns      = ["arn:aws:kms:us-east-1:444455556666:key/src"]
    destination_kms_key_arns = ["arn:aws:kms:eu-west-1:777788889999:key/dst"]
    worker_role_arn          = "arn:aws:iam::111122223333:role/t-worker"
    jobsender_role_arn       = "arn:aws:iam::111122223333:role/t-jobsender"
  }

  assert {
    condition = output.role_side == "both" && toset(output.role_object_arns) == toset([
      "arn:aws:s3:::src-a/data/*", "arn:aws:s3:::src-a/logs/*", "arn:aws:s3:::src-b/*",
      "arn:aws:s3:::dst-a/copy/data/*", "arn:aws:s3:::dst-a/logs/logs/*", "arn:aws:s3:::dst-b/*",
    ])
    error_message = "The role reads the source prefixes and writes the destination prefixes, in this partition: ${jsonencode(output.role_object_arns)}."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Action) == toset(["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"]) && toset(s.Resource) == toset(["arn:aws:s3:::src-a/data/*", "arn:aws:s3:::src-a/logs/*", "arn:aws:s3:::src-b/*"])
      if s.Sid == "ReadSourceObjects"
      ]) && anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      contains(s.Action, "s3:PutObject") && contains(s.Action, "s3:PutObjectTagging") && toset(s.Resource) == toset(["arn:aws:s3:::dst-a/copy/data/*", "arn:aws:s3:::dst-a/logs/logs/*", "arn:aws:s3:::dst-b/*"])
      if s.Sid == "WriteDestinationObjects"
    ])
    error_message = "The worker reads (with versions and tags: CopyObject's TaggingDirective COPY) only the sources and writes only the destinations."
  }

  assert {
    condition = toset([for s in jsondecode(output.jobsender_policy_json).Statement : s.Resource if startswith(s.Sid, "List")]) == toset([
      "arn:aws:s3:::src-a", "arn:aws:s3:::src-b", "arn:aws:s3:::dst-a", "arn:aws:s3:::dst-b",
      ]) && anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      toset(s.Action) == toset(["s3:ListBucket", "s3:ListBucketVersions"]) if s.Resource == "arn:aws:s3:::src-a"
      ]) && anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      s.Action == ["s3:ListBucket"] && toset(s.Condition.StringLike["s3:prefix"]) == toset(["copy/data/*", "logs/logs/*"]) if s.Resource == "arn:aws:s3:::dst-a"
    ])
    error_message = "The jobsender lists both sides with the role: versions on the sources only, destinations under their prefixes."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      s.Action == ["kms:Decrypt"] && s.Resource == ["arn:aws:kms:us-east-1:444455556666:key/src"] if s.Sid == "DecryptSourceObjects"
      ]) && anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      s.Resource == ["arn:aws:kms:eu-west-1:777788889999:key/dst"] && s.Condition.StringEquals["kms:ViaService"] == ["s3.eu-west-1.amazonaws.com"]
      if s.Sid == "EncryptDestinationObjects"
    ])
    error_message = "The role uses both sides' keys, each through S3 in its own region."
  }

  assert {
    condition     = output.credentials_policy_json == null && output.credentials_object_arns == [] && output.credentials_bucket_arns == [] && output.other_partition == "aws" && !strcontains(output.worker_policy_json, "DecryptCredentials") && !strcontains(output.jobsender_policy_json, "DecryptCredentials")
    error_message = "No key is used, so none is granted anything, and neither is the key of the credentials parameter."
  }

  assert {
    condition     = !strcontains(output.worker_policy_json, "arn:aws-cn:") && !strcontains(output.jobsender_policy_json, "arn:aws-cn:")
    error_message = "Nothing is granted in another partition."
  }

  # The bucket policies: the same grants, the worker as principal of objects, both roles listing.
  assert {
    condition     = toset(keys(output.bucket_policies_json)) == toset(["src-a", "src-b", "dst-a", "dst-b"])
    error_message = "One bucket policy per bucket of the pairs: ${jsonencode(keys(output.bucket_policies_json))}."
  }

  assert {
    condition = alltrue([for s in jsondecode(output.bucket_policies_json["dst-a"]).Statement :
      toset(s.Principal.AWS) == toset(s.Sid == "ListDestinationObjects" ? ["arn:aws:iam::111122223333:role/t-worker", "arn:aws:iam::111122223333:role/t-jobsender"] : ["arn:aws:iam::111122223333:role/t-worker"])
      ]) && toset([for s in jsondecode(output.bucket_policies_json["dst-a"]).Statement : s.Sid]) == toset(["ListDestinationObjects", "ListDestinationMultipartUploads", "WriteDestinationObjects"]) && anytrue([for s in jsondecode(output.bucket_policies_json["dst-a"]).Statement :
      toset(s.Resource) == toset(["arn:aws:s3:::dst-a/copy/data/*", "arn:aws:s3:::dst-a/logs/logs/*"]) && contains(s.Action, "s3:PutObject") if s.Sid == "WriteDestinationObjects"
    ])
    error_message = "A destination bucket lets the worker write its prefixes and both roles list it: ${output.bucket_policies_json["dst-a"]}."
  }

  assert {
    condition = toset([for s in jsondecode(output.bucket_policies_json["src-b"]).Statement : s.Sid]) == toset(["ListSourceObjects", "ReadSourceObjects"]) && anytrue([for s in jsondecode(output.bucket_policies_json["src-b"]).Statement :
      s.Resource == ["arn:aws:s3:::src-b/*"] && !contains(s.Action, "s3:PutObject") if s.Sid == "ReadSourceObjects"
    ])
    error_message = "A source bucket lets the worker read it and nothing more: ${output.bucket_policies_json["src-b"]}."
  }
}

# Owners: a bucket's grants carry s3:ResourceAccount when a pair names its owner, one statement
# per owner, so a bucket of no named owner keeps its grant unconditioned and no owner's buckets
# share a statement with another's. Regions given in the pairs must be in the partition of
# whoever signs for them.
run "owners_bind_the_grants_of_their_buckets" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [
      { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy/", src_owner = "444455556666", src_region = "eu-west-1" },
      { src_bucket = "src-a", src_prefix = "logs/", des_bucket = "dst-a", des_prefix = "logs/", src_owner = "444455556666" },
      { src_bucket = "src-b", src_prefix = "", des_bucket = "dst-b", des_prefix = "", des_owner = "777788889999", des_region = "cn-northwest-1" },
    ]
  }

  assert {
    condition = anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      toset(s.Resource) == toset(["arn:aws:s3:::src-a/data/*", "arn:aws:s3:::src-a/logs/*"]) && s.Condition == { StringEquals = { "s3:ResourceAccount" = ["444455556666"] } }
      if s.Sid == "ReadSourceObjectsOwnedBy444455556666"
      ]) && anytrue([for s in jsondecode(output.worker_policy_json).Statement :
      s.Resource == ["arn:aws:s3:::src-b/*"] && !can(s.Condition) if s.Sid == "ReadSourceObjects"
    ])
    error_message = "The owned bucket's objects are granted only while it has that owner; the other bucket's as before: ${output.worker_policy_json}."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      toset(s.Condition.StringLike["s3:prefix"]) == toset(["data/*", "logs/*"]) && s.Condition.StringEquals["s3:ResourceAccount"] == ["444455556666"]
      if s.Resource == "arn:aws:s3:::src-a"
      ]) && anytrue([for s in jsondecode(output.jobsender_policy_json).Statement :
      !can(s.Condition) if s.Resource == "arn:aws:s3:::src-b"
    ])
    error_message = "Listing an owned bucket carries its owner next to its prefixes."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      s.Resource == ["arn:aws-cn:s3:::dst-b/*"] && s.Condition.StringEquals["s3:ResourceAccount"] == ["777788889999"] if s.Sid == "WriteDestinationObjectsOwnedBy777788889999"
      ]) && anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      s.Resource == ["arn:aws-cn:s3:::dst-b"] && s.Condition.StringEquals["s3:ResourceAccount"] == ["777788889999"] if s.Sid == "ListDestinationMultipartUploadsOwnedBy777788889999"
      ]) && anytrue([for s in jsondecode(output.credentials_policy_json).Statement :
      toset(s.Resource) == toset(["arn:aws-cn:s3:::dst-a/copy/data/*", "arn:aws-cn:s3:::dst-a/logs/logs/*"]) && !can(s.Condition) if s.Sid == "WriteDestinationObjects"
    ])
    error_message = "The stored keys' grants are bound the same way, on their side: ${output.credentials_policy_json}."
  }
}

run "a_role_side_region_of_another_partition_is_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "", des_bucket = "dst-a", des_prefix = "", src_region = "cn-north-1" }]
  }

  expect_failures = [data.aws_partition.current]
}

run "a_key_side_region_outside_other_partition_is_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "", des_bucket = "dst-a", des_prefix = "", des_region = "eu-west-1" }]
  }

  expect_failures = [data.aws_partition.current]
}

run "two_owners_for_one_bucket_are_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [
      { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "", src_owner = "444455556666" },
      { src_bucket = "src-a", src_prefix = "logs/", des_bucket = "dst-b", des_prefix = "", src_owner = "444455556667", src_region = "nowhere" },
    ]
  }

  expect_failures = [var.bucket_pairs]
}

run "server_side_copy_across_partitions_is_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    server_side_copy = true
    other_partition  = "aws-cn"
  }

  expect_failures = [data.aws_partition.current]
}

run "no_bucket_policies_without_server_side_copy" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    worker_role_arn = "arn:aws:iam::111122223333:role/t-worker"
  }

  assert {
    condition     = length(output.bucket_policies_json) == 0
    error_message = "Keys cross to the other side without server_side_copy: no bucket policy is written."
  }
}

run "operator_policy" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    dead_letter_queue_arn = "arn:aws:sqs:us-east-1:111122223333:t-jobs-dlq"
    ledger_kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/ledger"
  }

  assert {
    condition = anytrue([for s in jsondecode(output.operator_policy_json).Statement :
      s.Action == ["dynamodb:Query"] && s.Resource == ["${var.ledger_table_arn}/index/by_status"] if s.Sid == "QueryLedgerByStatus"
    ])
    error_message = "status queries the by_status index, and only it."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.operator_policy_json).Statement :
      toset(s.Action) == toset(["sqs:StartMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage"]) && s.Resource == [var.dead_letter_queue_arn] if s.Sid == "RedriveDeadLetters"
      ]) && anytrue([for s in jsondecode(output.operator_policy_json).Statement :
      s.Action == ["sqs:SendMessage"] && s.Resource == [var.job_queue_arn] if s.Sid == "RequeueDeadLetters"
    ])
    error_message = "redrive moves from the DLQ and sends to the job queue."
  }

  assert {
    condition = anytrue([for s in jsondecode(output.operator_policy_json).Statement :
      s.Action == ["kms:Decrypt"] && s.Condition.StringEquals["kms:ViaService"] == ["dynamodb.us-east-1.amazonaws.com"] if s.Sid == "UseLedgerKey"
    ])
    error_message = "status reads the ledger through DynamoDB only."
  }
}

run "policy_variable_in_prefix_is_refused" {
  command = plan

  module {
    source = "./modules/iam-policies"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "$${aws:userid}/", des_bucket = "dst-a", des_prefix = "" }]
  }

  expect_failures = [var.bucket_pairs]
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
