################################################################################
# Transfer
################################################################################

variable "direction" {
  description = "Which side the functions' own role reaches: `PUT` (default) reads the sources with the role and writes the destinations with the SSM credentials; `GET` reads the sources with the credentials and writes the destinations with the role."
  type        = string
  default     = "PUT"

  validation {
    condition     = contains(["PUT", "GET"], var.direction)
    error_message = "Expected `direction` to be `PUT` or `GET`."
  }
}

variable "bucket_pairs" {
  description = "Bucket pairs the functions migrate (add the S3-event source and default destination as one more pair). A prefix of `\"\"` or `\"/\"` grants the whole bucket; a source prefix is granted as written (a listing prefix), a destination prefix as a folder joined with the source prefix (`<des_prefix>/<src_prefix>`), as the code maps keys. Prefixes must not contain `*`, `?` or `$${`. Optional per side: `src_region`/`des_region` (checked against the partition that side is reached in) and `src_owner`/`des_owner` (12-digit account: that bucket's grants carry `s3:ResourceAccount`). A bucket names at most one region and one owner on each side."
  type = list(object({
    src_bucket = string
    src_prefix = string
    des_bucket = string
    des_prefix = string
    src_region = optional(string)
    des_region = optional(string)
    src_owner  = optional(string)
    des_owner  = optional(string)
  }))
  default = []

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for b in [p.src_bucket, p.des_bucket] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))
    ])])
    error_message = "Expected every `src_bucket` and `des_bucket` to be an S3 bucket name: 3 to 63 characters of lowercase letters, digits, `.` and `-`."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for prefix in [p.src_prefix, p.des_prefix] : !can(regex("[*?]", prefix)) && !strcontains(prefix, "$${")
    ])])
    error_message = "Expected no `*`, `?` or `$${` in `src_prefix` and `des_prefix`: IAM would read them as wildcards or policy variables, widening the grant."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for r in compact([p.src_region, p.des_region]) : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))
    ])])
    error_message = "Expected every `src_region` and `des_region` to be null or an AWS region such as `eu-west-1` or `cn-northwest-1`."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for o in compact([p.src_owner, p.des_owner]) : can(regex("^[0-9]{12}$", o))
    ])])
    error_message = "Expected every `src_owner` and `des_owner` to be null or a 12-digit AWS account ID."
  }

  # One bucket, one region and one owner: two pairs disagreeing on them is a typo.
  validation {
    condition = alltrue(flatten([for side in [["src_bucket", "src_region", "src_owner"], ["des_bucket", "des_region", "des_owner"]] : [
      for b in distinct([for p in var.bucket_pairs : p[side[0]]]) : [
        for field in [side[1], side[2]] : length(distinct(compact([for p in var.bucket_pairs : p[field] if p[side[0]] == b]))) <= 1
      ]
    ]]))
    error_message = "Expected each bucket to name at most one region and one owner on its side: two pairs give the same bucket different `*_region` or `*_owner` values."
  }
}

variable "server_side_copy" {
  description = "Whether the role reaches both sides of every pair, in this partition, so that S3 copies the bytes itself (CopyObject, UploadPartCopy): the role lists both sides, reads the sources, writes the destinations and uses both sides' KMS keys; the credentials are granted nothing and `direction` does not apply (true or false, default)."
  type        = bool
  default     = false
}

variable "worker_role_arn" {
  description = "ARN of the worker's role, the principal of `bucket_policies_json` (with `server_side_copy`); null (default) writes no bucket policy."
  type        = string
  default     = null
}

variable "jobsender_role_arn" {
  description = "ARN of the jobsender's role, let into the buckets of `bucket_policies_json` to list them; null (default) when there is no jobsender."
  type        = string
  default     = null
}

variable "propagate_deletes" {
  description = "Whether the worker deletes destination objects whose source was deleted; adds `s3:DeleteObject` on the destination side, to the role with `GET` or to the credentials with `PUT` (true or false, default)."
  type        = bool
  default     = false
}

variable "copy_tags" {
  description = "Whether object tags are copied; adds `s3:GetObjectTagging`, `s3:GetObjectVersionTagging` on the read side and `s3:PutObjectTagging` on the write side (true, default, or false)."
  type        = bool
  default     = true
}

variable "compare_version_id" {
  description = "Whether the jobsender lists source versions; adds `s3:ListBucketVersions` on the source buckets, to the role with `PUT` or to the credentials with `GET` (true or false, default)."
  type        = bool
  default     = false
}

################################################################################
# Queue, ledger and parameters
################################################################################

variable "job_queue_arn" {
  description = "ARN of the job queue."
  type        = string
}

variable "event_queue_arn" {
  description = "ARN of the event queue (S3 event notifications) the worker consumes; null grants nothing. The worker never sends to it."
  type        = string
  default     = null
}

variable "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue the worker sends terminal failures to (also redriven by operators); null grants nothing."
  type        = string
  default     = null
}

variable "worker_can_send_messages" {
  description = "Whether the worker may send to the job queue, to continue an unfinished object in a fresh invocation or fan a giant object out as part ranges (true, default, or false)."
  type        = bool
  default     = true
}

variable "ledger_table_arn" {
  description = "ARN of the ledger table. The functions get items only: no index is granted to them."
  type        = string
}

variable "ledger_status_index_arn" {
  description = "ARN of the ledger's `by_status` index, queried by `s3-migrate status` (the operator policy only); null (default) means `<ledger_table_arn>/index/by_status`."
  type        = string
  default     = null
}

variable "parameter_arns" {
  description = "ARNs of the SSM parameters both functions read: bucket pairs, ignore list (the worker checks every message against them) and credentials."
  type        = list(string)
}

################################################################################
# Partitions
################################################################################

variable "other_partition" {
  description = "Partition of the other side (the credentials' account), used in `credentials_policy_json`: `aws`, `aws-cn`, `aws-us-gov`...; null (default) means `aws-cn` when this deployment is in `aws`, else `aws`."
  type        = string
  default     = null

  validation {
    condition     = var.other_partition == null || can(regex("^aws(-[a-z]+)*$", coalesce(var.other_partition, "-")))
    error_message = "Expected `other_partition` to be null or a partition name such as `aws`, `aws-cn` or `aws-us-gov`."
  }
}

################################################################################
# KMS
################################################################################

variable "credentials_kms_key_arn" {
  description = "ARN of the customer managed key encrypting the credentials SecureString, granted `kms:Decrypt` through SSM; null (default) when it uses `alias/aws/ssm`, which needs no grant."
  type        = string
  default     = null

  validation {
    condition     = var.credentials_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.credentials_kms_key_arn, "-")))
    error_message = "Expected `credentials_kms_key_arn` to be null or a KMS key ARN."
  }
}

variable "message_key_arn" {
  description = "ARN of the KMS HMAC key that signs and checks the job queue's messages: the worker gets kms:GenerateMac and kms:VerifyMac, the jobsender and operators kms:GenerateMac; null grants nothing."
  type        = string
  default     = null

  validation {
    condition     = var.message_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.message_key_arn, "-")))
    error_message = "Expected `message_key_arn` to be null or a KMS key ARN."
  }
}

variable "queue_kms_key_arn" {
  description = "ARN of the customer managed key of the job queue and the dead-letter queue (one key for both, as modules/queue sets them), granted through SQS; null (default) for SQS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.queue_kms_key_arn, "-")))
    error_message = "Expected `queue_kms_key_arn` to be null or a KMS key ARN."
  }
}

variable "ledger_kms_key_arn" {
  description = "ARN of the customer managed key of the ledger table, granted through DynamoDB; null (default) for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.ledger_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.ledger_kms_key_arn, "-")))
    error_message = "Expected `ledger_kms_key_arn` to be null or a KMS key ARN."
  }
}

variable "source_kms_key_arns" {
  description = "ARNs of customer managed keys encrypting source objects (SSE-KMS), granted `kms:Decrypt` through S3: to the role with `PUT`, in `credentials_policy_json` with `GET`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.source_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "Expected every `source_kms_key_arns` element to be a KMS key ARN."
  }
}

variable "destination_kms_key_arns" {
  description = "ARNs of customer managed keys for destination objects (SSE-KMS), granted `kms:GenerateDataKey` and `kms:Decrypt` through S3: to the role with `GET`, in `credentials_policy_json` with `PUT`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.destination_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "Expected every `destination_kms_key_arns` element to be a KMS key ARN."
  }
}
