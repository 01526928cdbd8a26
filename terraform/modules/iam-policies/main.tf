data "aws_partition" "current" {
  lifecycle {
    postcondition {
      condition     = !var.server_side_copy || var.other_partition == null || var.other_partition == self.partition
      error_message = "A server-side copy stays inside one partition: with `server_side_copy`, `other_partition` must be null or `${self.partition}`."
    }

    # A role signs for its own partition only; the stored keys for theirs.
    postcondition {
      condition     = alltrue([for r in local.given_regions.role : local.region_partition[r] == self.partition])
      error_message = "A bucket the functions' role reaches is given a region outside this partition (`${self.partition}`): ${join(", ", [for r in local.given_regions.role : r if local.region_partition[r] != self.partition])}. The role cannot sign there; that side needs the stored keys (`direction`), or the region is wrong."
    }

    postcondition {
      condition = alltrue([for r in local.given_regions.other : local.region_partition[r] == (
        var.server_side_copy ? self.partition : coalesce(var.other_partition, self.partition == "aws" ? "aws-cn" : "aws")
      )])
      error_message = "A bucket the stored keys reach is given a region outside their partition (`other_partition`, `aws-cn` by default from `aws`): ${join(", ", [for r in local.given_regions.other : "${r} is in ${local.region_partition[r]}"])}. Set `other_partition` to that region's partition, or correct the region."
    }
  }
}

locals {
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  # The other side is normally across the partition boundary: AWS Global <-> AWS China; a
  # server-side copy has both sides in this one.
  other_partition = var.server_side_copy ? local.partition : coalesce(var.other_partition, local.partition == "aws" ? "aws-cn" : "aws")
  # Service endpoints' DNS suffix by partition: this one's as the provider knows it, China's, and
  # the rest's `amazonaws.com` (lookup's default).
  key_dns_suffix = merge({ aws-cn = "amazonaws.com.cn" }, { (local.partition) = local.dns_suffix })

  # The side of each pair this account's role touches; the other side is reached with the keys
  # from the credentials parameter, so the role gets no grant on it at all. A server-side copy
  # needs one identity on both sides, in this partition: the role, with no credentials at all.
  role_reads_source       = var.server_side_copy || var.direction == "PUT"
  role_writes_destination = var.server_side_copy || var.direction == "GET"
  role_sides              = var.server_side_copy ? ["source", "destination"] : [var.direction == "PUT" ? "source" : "destination"]
  other_sides             = [for side in ["source", "destination"] : side if !contains(local.role_sides, side)]
  side_partition          = { for side in ["source", "destination"] : side => contains(local.role_sides, side) ? local.partition : local.other_partition }
}

################################################################################
# Where the objects are
################################################################################

locals {
  # A source prefix is a listing prefix, as the jobsender lists it (`logs` also matches
  # `logs-old/`, as S3 prefixes do). A destination prefix is a folder (`copy` and `copy/` both
  # mean `copy/`) joined with the full source key, so a pair's destination objects all start
  # with `<folder>/<source prefix>`: that is the destination grant, and the jobsender's listing
  # prefix there. `""` and `"/"` mean the whole bucket (the bucket's root).
  source_prefixes      = [for p in var.bucket_pairs : contains(["", "/"], p.src_prefix) ? "" : p.src_prefix]
  destination_folders  = [for p in var.bucket_pairs : contains(["", "/"], p.des_prefix) ? "" : "${trimsuffix(p.des_prefix, "/")}/"]
  destination_prefixes = [for i, p in var.bucket_pairs : "${local.destination_folders[i]}${local.source_prefixes[i]}"]

  locations = {
    source      = [for i, p in var.bucket_pairs : { bucket = p.src_bucket, prefix = local.source_prefixes[i] }]
    destination = [for i, p in var.bucket_pairs : { bucket = p.des_bucket, prefix = local.destination_prefixes[i] }]
  }

  buckets      = { for side, locs in local.locations : side => distinct([for l in locs : l.bucket]) }
  prefixes     = { for side, locs in local.locations : side => { for b in local.buckets[side] : b => distinct([for l in locs : l.prefix if l.bucket == b]) } }
  whole_bucket = { for side, by_bucket in local.prefixes : side => { for b, ps in by_bucket : b => contains(ps, "") } }

  bucket_arns = { for side, bs in local.buckets : side => [for b in bs : "arn:${local.side_partition[side]}:s3:::${b}"] }
  object_arns_by_bucket = { for side, bs in local.buckets : side => { for b in bs : b => (
    local.whole_bucket[side][b]
    ? ["arn:${local.side_partition[side]}:s3:::${b}/*"]
    : [for p in local.prefixes[side][b] : "arn:${local.side_partition[side]}:s3:::${b}/${p}*"]
  ) } }
  object_arns = { for side, bs in local.buckets : side => flatten([for b in bs : local.object_arns_by_bucket[side][b]]) }

  # ListBucket limited to the configured prefixes through the s3:prefix condition key.
  prefix_condition = { for side, bs in local.buckets : side => { for b in bs : b => (
    local.whole_bucket[side][b] ? {} : { StringLike = { "s3:prefix" = [for p in local.prefixes[side][b] : "${p}*"] } }
  ) } }
}

################################################################################
# Who owns the buckets, and where they are
################################################################################

locals {
  # What the pairs say of each bucket, by side: at most one owner and one region each (checked
  # by the variable's validation).
  pair_sides = {
    source      = [for p in var.bucket_pairs : { bucket = p.src_bucket, owner = p.src_owner, region = p.src_region }]
    destination = [for p in var.bucket_pairs : { bucket = p.des_bucket, owner = p.des_owner, region = p.des_region }]
  }
  owners = { for side, bs in local.buckets : side => { for b in bs : b => try(
    distinct(compact([for f in local.pair_sides[side] : f.owner if f.bucket == b]))[0], ""
  ) } }

  # A bucket's grants hold only while it belongs to the owner the pairs name (s3:ResourceAccount):
  # a bucket deleted and created again by another account, or a typo, gets nothing. Buckets are
  # grouped by owner, one statement each ("" for buckets of no named owner, without condition).
  owner_groups = { for side, bs in local.buckets : side => distinct([for b in bs : local.owners[side][b]]) }
  owner_condition = { for owner in distinct(flatten(values(local.owner_groups))) : owner => (
    owner == "" ? {} : { StringEquals = { "s3:ResourceAccount" = [owner] } }
  ) }

  # Listing: the prefixes and the owner, together.
  list_condition = { for side, bs in local.buckets : side => { for b in bs : b => {
    for k, v in { Condition = merge(local.prefix_condition[side][b], local.owner_condition[local.owners[side][b]]) } : k => v if length(v) > 0
  } } }

  # Regions given in the pairs, by who signs for them (checked against the partitions above).
  given_regions = {
    role  = distinct(compact(flatten([for side in local.role_sides : [for f in local.pair_sides[side] : f.region]])))
    other = distinct(compact(flatten([for side in local.other_sides : [for f in local.pair_sides[side] : f.region]])))
  }
  # The partition of a region, by its name (the AWS SDK's table says the same for these).
  region_partition = { for r in concat(local.given_regions.role, local.given_regions.other) : r => (
    startswith(r, "cn-") ? "aws-cn" :
    startswith(r, "us-gov-") ? "aws-us-gov" :
    startswith(r, "us-isob-") ? "aws-iso-b" :
    startswith(r, "us-iso-") ? "aws-iso" :
    startswith(r, "eu-isoe-") ? "aws-iso-e" :
    startswith(r, "us-isof-") ? "aws-iso-f" : "aws"
  ) }
}

################################################################################
# S3 actions
################################################################################

locals {
  # Reads pin the version (GetObjectVersion) when the job names one; tags only with copy_tags.
  read_object_actions = concat(
    ["s3:GetObject", "s3:GetObjectVersion"],
    var.copy_tags ? ["s3:GetObjectTagging", "s3:GetObjectVersionTagging"] : [],
  )

  # GetObject on the destination backs HeadObject: the resume check and the verification.
  write_object_actions = concat(
    ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject"],
    var.copy_tags ? ["s3:PutObjectTagging"] : [],
    var.propagate_deletes ? ["s3:DeleteObject"] : [],
  )

  # The jobsender lists both sides; versions only on the source, with compare_version_id.
  list_actions = {
    source      = concat(["s3:ListBucket"], var.compare_version_id ? ["s3:ListBucketVersions"] : [])
    destination = ["s3:ListBucket"]
  }

  # Statements for whoever reads the sources or writes the destinations of the pairs: the role
  # on its side, the credentials' key on the other. One of each per owner group.
  objects_of = { for side, groups in local.owner_groups : side => { for owner in groups : owner => flatten([
    for b in local.buckets[side] : local.object_arns_by_bucket[side][b] if local.owners[side][b] == owner
  ]) } }
  buckets_of = { for side, groups in local.owner_groups : side => { for owner in groups : owner => [
    for b in local.buckets[side] : "arn:${local.side_partition[side]}:s3:::${b}" if local.owners[side][b] == owner
  ] } }
  owned_by = { for owner in keys(local.owner_condition) : owner => owner == "" ? "" : "OwnedBy${owner}" }

  object_statements = {
    source = [for owner in local.owner_groups.source : merge({
      Sid      = "ReadSourceObjects${local.owned_by[owner]}"
      Effect   = "Allow"
      Action   = local.read_object_actions
      Resource = local.objects_of.source[owner]
    }, { for k, v in { Condition = local.owner_condition[owner] } : k => v if length(v) > 0 })]
    destination = flatten([for owner in local.owner_groups.destination : [merge({
      Sid      = "WriteDestinationObjects${local.owned_by[owner]}"
      Effect   = "Allow"
      Action   = local.write_object_actions
      Resource = local.objects_of.destination[owner]
      }, { for k, v in { Condition = local.owner_condition[owner] } : k => v if length(v) > 0 }), merge({
      Sid      = "ListDestinationMultipartUploads${local.owned_by[owner]}"
      Effect   = "Allow"
      Action   = ["s3:ListBucketMultipartUploads"]
      Resource = local.buckets_of.destination[owner]
    }, { for k, v in { Condition = local.owner_condition[owner] } : k => v if length(v) > 0 })]])
  }

  # ListBucket on the role's side lets the worker's HEADs of absent keys answer 404 (not 403).
  # A bucket on both sides (other prefixes) gets a statement for each.
  worker_list_statements = flatten([for side in local.role_sides : [for i, b in local.buckets[side] : merge({
    Sid      = "List${title(side)}Bucket${i}"
    Effect   = "Allow"
    Action   = ["s3:ListBucket"]
    Resource = "arn:${local.partition}:s3:::${b}"
  }, local.list_condition[side][b])]])

  jobsender_list_statements = flatten([for side in local.role_sides : [for i, b in local.buckets[side] : merge({
    Sid      = "List${title(side)}Bucket${i}"
    Effect   = "Allow"
    Action   = local.list_actions[side]
    Resource = "arn:${local.partition}:s3:::${b}"
  }, local.list_condition[side][b])]])

  credentials_list_statements = flatten([for side in local.other_sides : [for i, b in local.buckets[side] : merge({
    Sid      = "List${title(side)}Bucket${i}"
    Effect   = "Allow"
    Action   = local.list_actions[side]
    Resource = "arn:${local.other_partition}:s3:::${b}"
  }, local.list_condition[side][b])]])
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

  # S3's events: received and settled, never sent (a retry goes to the job queue, signed).
  worker_event_queue_statement = {
    Sid      = "ConsumeEventQueue"
    Effect   = "Allow"
    Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    Resource = var.event_queue_arn
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

  # The worker reads an object's record and moves it through its states with conditional
  # updates (ObjectTransitions: GetItem, UpdateItem); a batch's objects are read at once
  # (BatchGetItem) and its lease is one more item (BatchLeases: UpdateItem). Fanning a giant
  # object out writes one item per range (FanoutTransitions: PutItem), and the completer reads an
  # object's range items back (Query on the table's own key, one partition). No index.
  worker_ledger_statement = {
    Sid      = "UseLedger"
    Effect   = "Allow"
    Action   = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query"]
    Resource = [var.ledger_table_arn]
  }

  # The jobsender checks 100 candidates per BatchGetItem and marks them queued (UpdateItem,
  # ObjectLedger); its pass checkpoint and run lease are GetItem, PutItem and DeleteItem
  # (PassStateStore).
  jobsender_ledger_statement = {
    Sid      = "UseLedger"
    Effect   = "Allow"
    Action   = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    Resource = [var.ledger_table_arn]
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
  # The worker sends with the queue key when it continues work on the job queue, or dead-letters
  # a terminal failure: the DLQ is encrypted with the same key (modules/queue).
  worker_sends_messages = var.worker_can_send_messages || var.dead_letter_queue_arn != null

  # Each key only through the service that holds the data it protects (kms:ViaService), in the
  # key's own region: services use keys of their own region only. A server-side copy reads no
  # credentials, so their key is granted to no one.
  credentials_keys = var.server_side_copy ? [] : compact([var.credentials_kms_key_arn])
  worker_kms = [
    { sid = "DecryptCredentials", service = "ssm", actions = ["kms:Decrypt"], keys = local.credentials_keys },
    { sid = "UseQueueKey", service = "sqs", actions = concat(["kms:Decrypt"], local.worker_sends_messages ? ["kms:GenerateDataKey"] : []), keys = compact([var.queue_kms_key_arn]) },
    { sid = "UseLedgerKey", service = "dynamodb", actions = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], keys = compact([var.ledger_kms_key_arn]) },
    { sid = "DecryptSourceObjects", service = "s3", actions = ["kms:Decrypt"], keys = local.role_reads_source ? var.source_kms_key_arns : [] },
    { sid = "EncryptDestinationObjects", service = "s3", actions = ["kms:GenerateDataKey", "kms:Decrypt"], keys = local.role_writes_destination ? var.destination_kms_key_arns : [] },
  ]

  jobsender_kms = [
    { sid = "DecryptCredentials", service = "ssm", actions = ["kms:Decrypt"], keys = local.credentials_keys },
    { sid = "UseQueueKey", service = "sqs", actions = ["kms:Decrypt", "kms:GenerateDataKey"], keys = compact([var.queue_kms_key_arn]) },
    { sid = "UseLedgerKey", service = "dynamodb", actions = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], keys = compact([var.ledger_kms_key_arn]) },
  ]

  credentials_kms = [
    { sid = "DecryptSourceObjects", service = "s3", actions = ["kms:Decrypt"], keys = local.role_reads_source ? [] : var.source_kms_key_arns },
    { sid = "EncryptDestinationObjects", service = "s3", actions = ["kms:GenerateDataKey", "kms:Decrypt"], keys = local.role_writes_destination ? [] : var.destination_kms_key_arns },
  ]

  operator_kms = [
    { sid = "UseQueueKey", service = "sqs", actions = ["kms:Decrypt", "kms:GenerateDataKey"], keys = compact([var.queue_kms_key_arn]) },
    { sid = "UseLedgerKey", service = "dynamodb", actions = ["kms:Decrypt"], keys = compact([var.ledger_kms_key_arn]) },
  ]

  # The message key is called directly (no service in between), with its one algorithm only.
  message_key_statement = { for who, actions in {
    worker    = ["kms:GenerateMac", "kms:VerifyMac"]
    jobsender = ["kms:GenerateMac"]
    operator  = ["kms:GenerateMac"]
    } : who => var.message_key_arn == null ? [] : [{
      Sid       = who == "worker" ? "SignAndCheckMessages" : "SignMessages"
      Effect    = "Allow"
      Action    = actions
      Resource  = [var.message_key_arn]
      Condition = { StringEquals = { "kms:MacAlgorithm" = "HMAC_SHA_256" } }
  }] }

  # A key is used by a service of its own region and partition: an S3 key is in its bucket's
  # region (S3 uses no key of another region), so `s3.<key's region>` is the bucket's region, and
  # a China key's service ends in amazonaws.com.cn whichever side holds it.
  kms_statements = { for who, grants in {
    worker      = local.worker_kms
    jobsender   = local.jobsender_kms
    credentials = local.credentials_kms
    operator    = local.operator_kms
    } : who => [for g in grants : {
      Sid      = g.sid
      Effect   = "Allow"
      Action   = g.actions
      Resource = distinct(g.keys)
      Condition = { StringEquals = {
        "kms:ViaService" = distinct([for k in g.keys : "${g.service}.${split(":", k)[3]}.${lookup(local.key_dns_suffix, split(":", k)[1], "amazonaws.com")}"])
      } }
  } if length(g.keys) > 0] }
}

################################################################################
# Operators (s3-migrate status and redrive)
################################################################################

locals {
  ledger_status_index_arn = coalesce(var.ledger_status_index_arn, "${var.ledger_table_arn}/index/by_status")

  # `status` queries the ledger's by_status index and reads both queues' depths; `redrive`
  # starts an SQS message move task from the DLQ (or receives, re-sends and deletes itself),
  # keeping each message's authentication code; `send` signs what it queues.
  operator_statements = concat(
    [{
      Sid      = "QueryLedgerByStatus"
      Effect   = "Allow"
      Action   = ["dynamodb:Query"]
      Resource = [local.ledger_status_index_arn]
      }, {
      Sid      = "ReadQueueDepths"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueAttributes"]
      Resource = compact([var.job_queue_arn, var.event_queue_arn, var.dead_letter_queue_arn])
      }, {
      Sid      = "RequeueDeadLetters"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = [var.job_queue_arn]
    }],
    var.dead_letter_queue_arn == null ? [] : [{
      Sid      = "RedriveDeadLetters"
      Effect   = "Allow"
      Action   = ["sqs:StartMessageMoveTask", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
      Resource = [var.dead_letter_queue_arn]
    }],
    local.kms_statements.operator,
    local.message_key_statement.operator,
  )
}

################################################################################
# Documents
################################################################################

locals {
  worker_statements = concat(
    local.worker_list_statements,
    flatten([for side in local.role_sides : local.object_statements[side]]),
    [local.worker_queue_statement, local.worker_ledger_statement, local.parameters_statement],
    var.dead_letter_queue_arn == null ? [] : [local.worker_dead_letter_statement],
    var.event_queue_arn == null ? [] : [local.worker_event_queue_statement],
    local.kms_statements.worker,
    local.message_key_statement.worker,
  )

  jobsender_statements = concat(
    local.jobsender_list_statements,
    [local.jobsender_queue_statement, local.jobsender_ledger_statement, local.parameters_statement],
    local.kms_statements.jobsender,
    local.message_key_statement.jobsender,
  )

  # The other account's access key (the SecureString): the same pairs, its side, its partition.
  credentials_statements = concat(
    local.credentials_list_statements,
    flatten([for side in local.other_sides : local.object_statements[side]]),
    local.kms_statements.credentials,
  )
}

################################################################################
# Bucket policies (server-side copy across accounts)
################################################################################

locals {
  # A bucket of another account lets the roles in only when its own policy says so as well: the
  # same grants as the identity policies, with the roles as principals. The jobsender only lists;
  # the worker lists, reads the sources and writes the destinations.
  listing_principals = compact([var.worker_role_arn, var.jobsender_role_arn])

  # What the worker does to a bucket of each side, beyond listing it.
  bucket_policy_grants = {
    source = [{ sid = "ReadSourceObjects", actions = local.read_object_actions, on_objects = true }]
    destination = [
      { sid = "ListDestinationMultipartUploads", actions = ["s3:ListBucketMultipartUploads"], on_objects = false },
      { sid = "WriteDestinationObjects", actions = local.write_object_actions, on_objects = true },
    ]
  }

  bucket_policy_statements = { for b in distinct(concat(local.buckets.source, local.buckets.destination)) : b => flatten([
    for side in ["source", "destination"] : concat(
      [merge({
        Sid       = "List${title(side)}Objects"
        Effect    = "Allow"
        Principal = { AWS = local.listing_principals }
        Action    = local.list_actions[side]
        Resource  = "arn:${local.partition}:s3:::${b}"
      }, { for k, v in { Condition = lookup(local.prefix_condition[side], b, {}) } : k => v if length(v) > 0 })],
      [for grant in local.bucket_policy_grants[side] : {
        Sid       = grant.sid
        Effect    = "Allow"
        Principal = { AWS = [var.worker_role_arn] }
        Action    = grant.actions
        Resource  = grant.on_objects ? lookup(local.object_arns_by_bucket[side], b, []) : ["arn:${local.partition}:s3:::${b}"]
      }],
    ) if contains(local.buckets[side], b)
  ]) }
}
