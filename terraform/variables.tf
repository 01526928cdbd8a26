################################################################################
# General
################################################################################

variable "name_prefix" {
  description = "Prefix of every resource name, 1 to 40 characters of letters, digits, `-` and `_` (names such as `<prefix>-jobsender-schedule` must fit AWS limits)."
  type        = string
  default     = "s3-migrate"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name_prefix))
    error_message = "Expected `name_prefix` to be 1 to 40 characters of letters, digits, `-` and `_`."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Migration
################################################################################

variable "bucket_pairs" {
  description = "Bucket pairs to migrate. A prefix of `\"\"` or `\"/\"` means the whole bucket; end source prefixes with `/` to stop `logs` from also matching `logs-old/`. The destination key is `des_prefix` (a folder: `copy` and `copy/` are the same) joined with the full source key. Prefixes must not contain `*`, `?` or `$${`. Optional: `src_region`/`des_region`, the bucket's region, given instead of found by the functions (one HeadBucket per bucket and cold start otherwise), in the partition of whoever reaches that side; `src_owner`/`des_owner`, the 12-digit account that must own the bucket: sent as `ExpectedBucketOwner` with every request, and an `s3:ResourceAccount` condition on that bucket's grants. May be empty when S3 events are the only trigger."
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
      for prefix in [p.src_prefix, p.des_prefix] : !can(regex("[*?]", prefix)) && !strcontains(prefix, "$${") && length(prefix) <= 1024
    ])])
    error_message = "Expected every `src_prefix` and `des_prefix` to have no `*`, `?` or `$${` (IAM would read them as wildcards or policy variables, widening the grants) and at most 1024 characters."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue(concat(
      [for r in compact([p.src_region, p.des_region]) : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))],
      [for o in compact([p.src_owner, p.des_owner]) : can(regex("^[0-9]{12}$", o))],
    ))])
    error_message = "Expected every `src_region` and `des_region` to be null or an AWS region such as `eu-west-1` or `cn-northwest-1`, and every `src_owner` and `des_owner` null or a 12-digit account ID."
  }
}

variable "ignore_list" {
  description = "Globs of `bucket/key` the jobsender skips, matched case-sensitively (`*` also crosses `/`, `?` is one character), e.g. `*.jpg`, `*/readme.md`, `my-bucket/logs/*`. Elements must not start with `#`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for g in var.ignore_list : length(trimspace(g)) > 0 && !can(regex("[\r\n]", g)) && !startswith(g, "#")])
    error_message = "Expected every `ignore_list` element to be a non-blank glob without line breaks that does not start with `#`."
  }
}

variable "direction" {
  description = "`PUT` (default): the functions' role reads the sources in this account and the credentials parameter writes the destinations in the other one. `GET`: the credentials read the sources and the role writes the destinations."
  type        = string
  default     = "PUT"

  validation {
    condition     = contains(["PUT", "GET"], var.direction)
    error_message = "Expected `direction` to be `PUT` or `GET`."
  }
}

variable "server_side_copy" {
  description = "Whether S3 copies the bytes itself (CopyObject up to the small-object threshold, UploadPartCopy ranges above), none going through the worker: for migrations inside this partition (any of its accounts and regions; each copy is sent to the destination bucket's region), where the functions' role can read every source and write every destination. The role is granted both sides, no credentials parameter is read, `direction` does not apply, and a bucket of another account needs the policy in the `bucket_policies_json` output (true or false, default)."
  type        = bool
  default     = false
}

variable "propagate_deletes" {
  description = "Whether objects deleted at the source are deleted at the destination (true or false, default). With S3 events it also subscribes to `s3:ObjectRemoved:*`."
  type        = bool
  default     = false
}

variable "compare_version_id" {
  description = "Whether the jobsender compares source version IDs with those recorded in the ledger and pins them in jobs (true or false, default). Needs `s3:ListBucketVersions` on the sources."
  type        = bool
  default     = false
}

variable "update_version_id" {
  description = "Whether the worker records the source's current version ID before a new transfer, so that a resumed transfer reads the same version (true or false, default)."
  type        = bool
  default     = false
}

variable "get_object_with_version_id" {
  description = "Whether the worker reads the source with the job's version ID (true or false, default). Needs `s3:GetObjectVersion` on the sources."
  type        = bool
  default     = false
}

################################################################################
# Credentials of the other account
################################################################################

variable "credentials_parameter_name" {
  description = "Name or ARN of the SecureString holding `{\"aws_access_key_id\",\"aws_secret_access_key\",\"region\",\"endpoint\"?}` for the other account, in this account and region; null (default) means `/<name_prefix>/credentials`, so that two deployments never share one by accident. The original solution's `s3_migration_credentials` stays available as an explicit value. Create it out of band (recommended) before applying."
  type        = string
  default     = null

  validation {
    condition = var.credentials_parameter_name == null || (
      can(regex("^arn:[a-z-]+:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+$", coalesce(var.credentials_parameter_name, "-"))) ||
      (can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", coalesce(var.credentials_parameter_name, "-"))) && length(coalesce(var.credentials_parameter_name, "-")) <= 1011)
    )
    error_message = "Expected `credentials_parameter_name` to be null, a parameter name (`name` or `/path/name`) or a parameter ARN."
  }
}

variable "credentials_kms_key_arn" {
  description = "ARN of the customer managed key encrypting the credentials SecureString; null (default) when it uses `alias/aws/ssm`, which needs no grant."
  type        = string
  default     = null

  validation {
    condition     = var.credentials_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.credentials_kms_key_arn))
    error_message = "Expected `credentials_kms_key_arn` to be null or a KMS key ARN (not an alias)."
  }
}

variable "create_credentials_parameter" {
  description = "Whether Terraform creates the credentials SecureString from the ephemeral `credentials` (true or false, default). The value is written with the write-only `value_wo`: it never enters the plan or the state."
  type        = bool
  default     = false
}

variable "credentials" {
  description = "Access key of the other account, used only when `create_credentials_parameter` is true; `region` is the other side's region (e.g. `cn-northwest-1`), the optional `endpoint` an `http(s)` URL for an S3-compatible or test endpoint. Ephemeral: pass it with `-var` or `TF_VAR_credentials` at each apply that writes it."
  type = object({
    aws_access_key_id     = string
    aws_secret_access_key = string
    region                = string
    endpoint              = optional(string)
  })
  default   = null
  sensitive = true
  ephemeral = true

  validation {
    condition     = var.credentials == null || try(var.credentials.endpoint == null || can(regex("^https?://[^\\s]+$", var.credentials.endpoint)), false)
    error_message = "Expected `credentials.endpoint` to be null or an http(s) URL."
  }
}

variable "credentials_version" {
  description = "Version of `credentials`, 1 up (default 1): Terraform cannot see a change of a write-only value, so increase it to write new keys into the created parameter."
  type        = number
  default     = 1

  validation {
    condition     = var.credentials_version >= 1 && floor(var.credentials_version) == var.credentials_version
    error_message = "Expected `credentials_version` to be a whole number from 1 up."
  }
}

variable "other_partition" {
  description = "Partition of the other account (the credentials' side), for `credentials_policy_json`: `aws`, `aws-cn`, `aws-us-gov`...; null (default) means `aws-cn` when this deployment is in `aws`, else `aws`."
  type        = string
  default     = null

  validation {
    condition     = var.other_partition == null || can(regex("^aws(-[a-z]+)*$", coalesce(var.other_partition, "-")))
    error_message = "Expected `other_partition` to be null or a partition name such as `aws`, `aws-cn` or `aws-us-gov`."
  }
}

################################################################################
# Transfer
################################################################################

variable "part_size_mib" {
  description = "Multipart part size, 5 to 5120 MiB (default 8). Fixed per upload when it starts, so changing it never breaks a resume; the code raises it for objects that would need more than 10,000 parts."
  type        = number
  default     = 8

  validation {
    condition     = var.part_size_mib >= 5 && var.part_size_mib <= 5120 && floor(var.part_size_mib) == var.part_size_mib
    error_message = "Expected `part_size_mib` to be a whole number from 5 to 5120."
  }
}

variable "small_object_threshold_mib" {
  description = "Objects up to this size go in one PUT instead of a multipart upload, 0 to 5120 MiB, whole (default 8; 0: only empty objects)."
  type        = number
  default     = 8

  validation {
    condition     = var.small_object_threshold_mib >= 0 && var.small_object_threshold_mib <= 5120 && floor(var.small_object_threshold_mib) == var.small_object_threshold_mib
    error_message = "Expected `small_object_threshold_mib` to be a whole number from 0 to 5120."
  }
}

variable "batch_max_objects" {
  description = "Small objects missing at the destination are queued up to this many a message (1 to 100, default 100; 1: one job an object). A batch costs its lease's two ledger writes once, and each object one write."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_max_objects >= 1 && var.batch_max_objects <= 100 && floor(var.batch_max_objects) == var.batch_max_objects
    error_message = "Expected `batch_max_objects` to be a whole number from 1 to 100."
  }
}

variable "batch_max_mib" {
  description = "Bytes one batch message copies at most, 1 to 1024 MiB, whole (default 64); a larger object is queued alone."
  type        = number
  default     = 64

  validation {
    condition     = var.batch_max_mib >= 1 && var.batch_max_mib <= 1024 && floor(var.batch_max_mib) == var.batch_max_mib
    error_message = "Expected `batch_max_mib` to be a whole number from 1 to 1024."
  }
}

variable "fanout_threshold_mib" {
  description = "Objects larger than this (MiB) are fanned out: split into range jobs of `fanout_range_parts` parts that many workers copy at once, completed by the last (default 1024, as AWS's Data Transfer Hub). 0 turns fan-out off."
  type        = number
  default     = 1024

  validation {
    condition     = var.fanout_threshold_mib >= 0 && var.fanout_threshold_mib <= 51200000 && floor(var.fanout_threshold_mib) == var.fanout_threshold_mib
    error_message = "Expected `fanout_threshold_mib` to be a whole number from 0 (off) to 51200000 (10,000 parts of 5 GiB)."
  }
}

variable "fanout_range_parts" {
  description = "Parts per range job of a fanned-out object, 1 to 10000 (default 32: two rounds of the default `part_concurrency`)."
  type        = number
  default     = 32

  validation {
    condition     = var.fanout_range_parts >= 1 && var.fanout_range_parts <= 10000 && floor(var.fanout_range_parts) == var.fanout_range_parts
    error_message = "Expected `fanout_range_parts` to be a whole number from 1 to 10000."
  }
}

variable "part_concurrency" {
  description = "Parts of one object transferred at once, 1 to 256 (default 16). Parts in flight are held in memory: `file_concurrency` x this x `part_size_mib`, plus 150 MiB, must fit in `worker_memory_size`."
  type        = number
  default     = 16

  validation {
    condition     = var.part_concurrency >= 1 && var.part_concurrency <= 256 && floor(var.part_concurrency) == var.part_concurrency
    error_message = "Expected `part_concurrency` to be a whole number from 1 to 256."
  }
}

variable "file_concurrency" {
  description = "Objects one worker invocation transfers at once, 1 to 64 (default 4)."
  type        = number
  default     = 4

  validation {
    condition     = var.file_concurrency >= 1 && var.file_concurrency <= 64 && floor(var.file_concurrency) == var.file_concurrency
    error_message = "Expected `file_concurrency` to be a whole number from 1 to 64."
  }
}

variable "max_attempts" {
  description = "Attempts per AWS request, the first included, 1 to 100 (default 10)."
  type        = number
  default     = 10

  validation {
    condition     = var.max_attempts >= 1 && var.max_attempts <= 100 && floor(var.max_attempts) == var.max_attempts
    error_message = "Expected `max_attempts` to be a whole number from 1 to 100."
  }
}

variable "storage_class" {
  description = "Storage class of destination objects: `STANDARD` (default), `STANDARD_IA`, `ONEZONE_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR`, `GLACIER`, `DEEP_ARCHIVE` or `REDUCED_REDUNDANCY`."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY"], var.storage_class)
    error_message = "Expected `storage_class` to be one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, REDUCED_REDUNDANCY."
  }
}

variable "sse" {
  description = "Server-side encryption requested for destination objects: `AES256`, `aws:kms`, or null (default) for the destination bucket's default encryption."
  type        = string
  default     = null

  validation {
    condition     = var.sse == null || contains(["AES256", "aws:kms"], coalesce(var.sse, "-"))
    error_message = "Expected `sse` to be null, `AES256` or `aws:kms`."
  }
}

variable "sse_kms_key_id" {
  description = "KMS key for `sse = \"aws:kms\"`, as the destination account sees it (ID, ARN or alias); null (default) for the AWS managed `aws/s3` key. With direction `GET` or `server_side_copy` give a key ARN, so that the role can be granted it."
  type        = string
  default     = null
}

variable "copy_tags" {
  description = "Whether object tags are copied to the destination (true, default, or false)."
  type        = bool
  default     = true
}

variable "use_checksums" {
  description = "Whether copies are proven by the full-object CRC S3 stores with the source and sent for the destination to verify and keep (true, default); false for S3-compatible stores without flexible checksums (docs/integrity.md)."
  type        = bool
  default     = true
}

variable "source_kms_key_arns" {
  description = "ARNs of customer managed keys encrypting source objects (SSE-KMS): granted `kms:Decrypt` (through S3 only) to the role with direction `PUT` or `server_side_copy`, listed in `credentials_policy_json` with `GET`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.source_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", k))])
    error_message = "Expected every `source_kms_key_arns` element to be a KMS key ARN."
  }
}

variable "deadline_margin_seconds" {
  description = "Seconds before the worker's timeout at which it stops starting new work and hands the rest on, 5 to 600 (default 60); must be below `worker_timeout`."
  type        = number
  default     = 60

  validation {
    condition     = var.deadline_margin_seconds >= 5 && var.deadline_margin_seconds <= 600 && floor(var.deadline_margin_seconds) == var.deadline_margin_seconds
    error_message = "Expected `deadline_margin_seconds` to be a whole number from 5 to 600."
  }
}

################################################################################
# Functions
################################################################################

variable "worker_zip_path" {
  description = "Path of the worker bundle; null (default) means `functions/worker/dist/worker.zip` of this repository, built by `pnpm build`."
  type        = string
  default     = null
}

variable "jobsender_zip_path" {
  description = "Path of the jobsender bundle; null (default) means `functions/jobsender/dist/jobsender.zip` of this repository, built by `pnpm build`."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Architecture of both functions: `arm64` (default) or `x86_64`. The bundles are plain JavaScript and run on either."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "Expected `lambda_architecture` to be `arm64` or `x86_64`."
  }
}

variable "worker_memory_size" {
  description = "Memory of the worker, 128 to 10240 MB (default 1769: one full vCPU)."
  type        = number
  default     = 1769

  validation {
    condition     = var.worker_memory_size >= 128 && var.worker_memory_size <= 10240 && floor(var.worker_memory_size) == var.worker_memory_size
    error_message = "Expected `worker_memory_size` to be a whole number from 128 to 10240."
  }
}

variable "worker_timeout" {
  description = "Timeout of the worker, 60 to 900 seconds (default 900). The job queue's visibility timeout follows it."
  type        = number
  default     = 900

  validation {
    condition     = var.worker_timeout >= 60 && var.worker_timeout <= 900 && floor(var.worker_timeout) == var.worker_timeout
    error_message = "Expected `worker_timeout` to be a whole number from 60 to 900."
  }
}

variable "worker_reserved_concurrency" {
  description = "Concurrency reserved for the worker: -1 (default) for none, 0 to pause it, or at least `worker_maximum_concurrency`."
  type        = number
  default     = -1

  validation {
    condition     = var.worker_reserved_concurrency >= -1 && floor(var.worker_reserved_concurrency) == var.worker_reserved_concurrency
    error_message = "Expected `worker_reserved_concurrency` to be -1 or a whole number from 0 up."
  }
}

variable "create_jobsender" {
  description = "Whether to deploy the scheduled jobsender that compares the bucket pairs and queues the missing objects (true, default, or false for S3-event-only deployments)."
  type        = bool
  default     = true
}

variable "jobsender_memory_size" {
  description = "Memory of the jobsender, 128 to 10240 MB (default 1024)."
  type        = number
  default     = 1024

  validation {
    condition     = var.jobsender_memory_size >= 128 && var.jobsender_memory_size <= 10240 && floor(var.jobsender_memory_size) == var.jobsender_memory_size
    error_message = "Expected `jobsender_memory_size` to be a whole number from 128 to 10240."
  }
}

variable "jobsender_timeout" {
  description = "Timeout of the jobsender, 60 to 900 seconds (default 900); a listing that needs longer continues from its checkpoint in the next run."
  type        = number
  default     = 900

  validation {
    condition     = var.jobsender_timeout >= 60 && var.jobsender_timeout <= 900 && floor(var.jobsender_timeout) == var.jobsender_timeout
    error_message = "Expected `jobsender_timeout` to be a whole number from 60 to 900."
  }
}

variable "jobsender_schedule" {
  description = "EventBridge schedule of the jobsender, `rate(...)` or `cron(...)` (default `rate(1 hour)`)."
  type        = string
  default     = "rate(1 hour)"

  validation {
    condition     = can(regex("^(rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.jobsender_schedule))
    error_message = "Expected `jobsender_schedule` to be `rate(<n> minute(s)|hour(s)|day(s))` or `cron(...)`."
  }
}

variable "jobsender_schedule_enabled" {
  description = "Whether the schedule is on (true, default); false keeps the rule but only manual invocations run the jobsender."
  type        = bool
  default     = true
}

variable "log_level" {
  description = "Log level of both functions (`POWERTOOLS_LOG_LEVEL`): `DEBUG`, `INFO` (default), `WARN` or `ERROR`."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "Expected `log_level` to be `DEBUG`, `INFO`, `WARN` or `ERROR`."
  }
}

variable "log_retention_in_days" {
  description = "Retention of both functions' log groups in days: 0 (never expire) or one of 1, 3, 5, 7, 14, 30 (default), 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Expected `log_retention_in_days` to be 0 or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the EMF metrics (`POWERTOOLS_METRICS_NAMESPACE`), 1 to 255 characters; null (default) means `name_prefix`, so that each deployment's dashboard graphs its own metrics (`s3-migrate` with the default prefix)."
  type        = string
  default     = null

  validation {
    condition     = var.metrics_namespace == null || try(length(var.metrics_namespace) >= 1 && length(var.metrics_namespace) <= 255 && !startswith(var.metrics_namespace, "AWS/"), false)
    error_message = "Expected `metrics_namespace` to be null or 1 to 255 characters, not in the reserved `AWS/` space."
  }
}

################################################################################
# Queue
################################################################################

variable "worker_batch_size" {
  description = "Jobs per worker invocation, 1 (default) to 10. Failed jobs of a batch are retried alone (ReportBatchItemFailures)."
  type        = number
  default     = 1

  validation {
    condition     = var.worker_batch_size >= 1 && var.worker_batch_size <= 10 && floor(var.worker_batch_size) == var.worker_batch_size
    error_message = "Expected `worker_batch_size` to be a whole number from 1 to 10."
  }
}

variable "worker_maximum_concurrency" {
  description = "Most worker invocations the queue drives at once, 2 to 1000 (default 100). Also caps the load on the destination and the NAT instance."
  type        = number
  default     = 100

  validation {
    condition     = var.worker_maximum_concurrency >= 2 && var.worker_maximum_concurrency <= 1000 && floor(var.worker_maximum_concurrency) == var.worker_maximum_concurrency
    error_message = "Expected `worker_maximum_concurrency` to be a whole number from 2 to 1000."
  }
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the job queue, `worker_timeout` to 43200 seconds; null (default) means `worker_timeout` + 60."
  type        = number
  default     = null

  validation {
    condition     = var.queue_visibility_timeout_seconds == null || try(var.queue_visibility_timeout_seconds >= 60 && var.queue_visibility_timeout_seconds <= 43200, false)
    error_message = "Expected `queue_visibility_timeout_seconds` to be null or a number from 60 to 43200."
  }
}

variable "max_receive_count" {
  description = "Receives of a job before it moves to the dead-letter queue, 1 to 1000 (default 60)."
  type        = number
  default     = 60

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "Expected `max_receive_count` to be a whole number from 1 to 1000."
  }
}

variable "queue_sender_principal_arns" {
  description = "IAM roles and users besides the functions that may send to the job queue and the DLQ (the queue policies deny everyone else): operators who run `s3-migrate send`, `redrive` (or the console's DLQ redrive) or a cluster-mode `worker`. Role ARNs as `aws:PrincipalArn` sees them (`arn:<partition>:iam::<account>:role/<path><name>`, not an `sts` assumed-role ARN); `*` and `?` are wildcards in the name. At most 18. Principals of another account also need an IAM policy of their own and an Allow in the queue policy, which this module does not write."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.queue_sender_principal_arns) <= 18 && alltrue([for arn in var.queue_sender_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[\\x21-\\x7E]+)$", arn))])
    error_message = "Expected at most 18 `queue_sender_principal_arns`, each an IAM role, user or account root ARN such as `arn:aws:iam::111122223333:role/ops` (not an `arn:aws:sts::...:assumed-role/...` session ARN: aws:PrincipalArn is the role's ARN)."
  }
}

variable "queue_kms_key_arn" {
  description = "ARN of a customer managed key for both queues; null (default) for SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.queue_kms_key_arn))
    error_message = "Expected `queue_kms_key_arn` to be null or a KMS key ARN."
  }
}

variable "message_key_arn" {
  description = "ARN of an existing KMS HMAC_256 key (key usage GENERATE_VERIFY_MAC) that signs and checks the job queue's messages; null (default) creates one for this deployment. The functions get kms:GenerateMac (both) and kms:VerifyMac (the worker) on it, operators kms:GenerateMac for `s3-migrate send`."
  type        = string
  default     = null

  validation {
    condition     = var.message_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.message_key_arn, "-")))
    error_message = "Expected `message_key_arn` to be null or a KMS key ARN."
  }
}

################################################################################
# Ledger
################################################################################

variable "ledger_kms_key_arn" {
  description = "ARN of a customer managed key for the ledger table; null (default) for the AWS managed key."
  type        = string
  default     = null

  validation {
    condition     = var.ledger_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.ledger_kms_key_arn))
    error_message = "Expected `ledger_kms_key_arn` to be null or a KMS key ARN."
  }
}

variable "ledger_deletion_protection" {
  description = "Whether the ledger table refuses deletion (true or false, default); `terraform destroy` fails while it is on."
  type        = bool
  default     = false
}

################################################################################
# S3 event trigger
################################################################################

variable "enable_bucket_events" {
  description = "Whether new objects in `bucket_events_source_bucket` are queued by S3 event notifications (true or false, default). With `bucket_events_manage_notification` it replaces that bucket's whole notification configuration."
  type        = bool
  default     = false
}

variable "bucket_events_source_bucket" {
  description = "Existing bucket whose events trigger transfers; required when `enable_bucket_events` is true. The only bucket the queue accepts events from, and `EVENT_SOURCE_BUCKET` of the worker, which refuses events of any other."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_events_source_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.bucket_events_source_bucket, "-")))
    error_message = "Expected `bucket_events_source_bucket` to be null or an S3 bucket name."
  }
}

variable "bucket_events_source_region" {
  description = "Region of `bucket_events_source_bucket`; null (default) means this deployment's region, the only one that works: S3 sends event notifications only to a queue in the bucket's own region, so any other region is refused at plan time (deploy the module in the bucket's region instead; the functions reach destinations anywhere)."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_events_source_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", coalesce(var.bucket_events_source_region, "-")))
    error_message = "Expected `bucket_events_source_region` to be null or an AWS region such as `eu-west-1`."
  }
}

variable "bucket_events_source_account_id" {
  description = "Account owning `bucket_events_source_bucket`, checked as `aws:SourceAccount` by the queue, as `s3:ResourceAccount` by the role's grants on it and as `ExpectedBucketOwner` by the worker (`EVENT_SOURCE_BUCKET_OWNER`); null (default) means this account."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_events_source_account_id == null || can(regex("^[0-9]{12}$", coalesce(var.bucket_events_source_account_id, "-")))
    error_message = "Expected `bucket_events_source_account_id` to be null or a 12-digit account ID."
  }
}

variable "bucket_events_manage_notification" {
  description = "Whether this module creates the bucket's `aws_s3_bucket_notification` (true, default). That resource owns the bucket's whole notification configuration, so two deployments (or another tool) on one bucket overwrite each other: set false in each, and put their `bucket_events_queue_configuration` outputs into one notification of your own (terraform/README.md, \"One bucket, several deployments\"). The queue still admits the bucket's events either way."
  type        = bool
  default     = true
}

variable "bucket_events_filter_prefix" {
  description = "Only keys beginning with this prefix raise events; empty (default) for all. Also the prefix the role is granted on that bucket, and `EVENT_FILTER_PREFIX` of the worker, which refuses event keys outside it."
  type        = string
  default     = ""

  nullable = false

  validation {
    condition     = !can(regex("[*?]", var.bucket_events_filter_prefix)) && !strcontains(var.bucket_events_filter_prefix, "$${")
    error_message = "Expected `bucket_events_filter_prefix` to have no `*`, `?` or `$${` (IAM wildcards and policy variables)."
  }
}

variable "bucket_events_filter_suffix" {
  description = "Only keys ending with this suffix raise events; empty (default) for all. Also `EVENT_FILTER_SUFFIX` of the worker, which refuses event keys without it."
  type        = string
  default     = ""
  nullable    = false
}

variable "default_dest_bucket" {
  description = "Destination bucket of jobs that come from S3 event notifications (they name no destination); required when `enable_bucket_events` is true."
  type        = string
  default     = null

  validation {
    condition     = var.default_dest_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.default_dest_bucket, "-")))
    error_message = "Expected `default_dest_bucket` to be null or an S3 bucket name."
  }
}

variable "default_dest_region" {
  description = "Region of `default_dest_bucket` (`DEFAULT_DEST_REGION`), given instead of found by the worker; null (default) to let it find the region (one HeadBucket per cold start)."
  type        = string
  default     = null

  validation {
    condition     = var.default_dest_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", coalesce(var.default_dest_region, "-")))
    error_message = "Expected `default_dest_region` to be null or an AWS region such as `cn-northwest-1`."
  }
}

variable "default_dest_bucket_owner" {
  description = "12-digit account that must own `default_dest_bucket` (`DEFAULT_DEST_BUCKET_OWNER`: sent as `ExpectedBucketOwner`, and an `s3:ResourceAccount` condition on the grants of whoever writes it); null (default) for no check."
  type        = string
  default     = null

  validation {
    condition     = var.default_dest_bucket_owner == null || can(regex("^[0-9]{12}$", coalesce(var.default_dest_bucket_owner, "-")))
    error_message = "Expected `default_dest_bucket_owner` to be null or a 12-digit account ID."
  }
}

variable "default_dest_prefix" {
  description = "Destination prefix of jobs that come from S3 event notifications, joined with the source key; empty (default) for none."
  type        = string
  default     = ""

  nullable = false

  validation {
    condition     = !can(regex("[*?]", var.default_dest_prefix)) && !strcontains(var.default_dest_prefix, "$${")
    error_message = "Expected `default_dest_prefix` to have no `*`, `?` or `$${` (IAM wildcards and policy variables)."
  }
}

################################################################################
# Network
################################################################################

variable "enable_nat_instance" {
  description = "Whether to run the functions in a new VPC whose traffic leaves through a NAT instance with TCP BBR and an Elastic IP (true or false, default). Rarely faster than no VPC; useful for a fixed source IP."
  type        = bool
  default     = false
}

variable "nat_instance_type" {
  description = "Instance type of the NAT instance (default `t4g.small`); must match `nat_architecture`."
  type        = string
  default     = "t4g.small"
}

variable "nat_architecture" {
  description = "Architecture of the NAT instance: `arm64` (default) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.nat_architecture)
    error_message = "Expected `nat_architecture` to be `arm64` or `x86_64`."
  }
}

variable "nat_security_updates_schedule" {
  description = "When the NAT instance installs security updates (beyond those at first boot), as a systemd `OnCalendar` expression (default `*-*-* 03:00:00`, daily, UTC); null for first boot only."
  type        = string
  default     = "*-*-* 03:00:00"
}

variable "nat_security_updates_reboot" {
  description = "Whether a scheduled NAT update restarts the instance when an updated package needs it (true or false, default); transfers through it retry for about a minute."
  type        = bool
  default     = false
}

variable "nat_azs" {
  description = "Availability zones of the functions' private subnets; empty (default) picks the region's first two."
  type        = list(string)
  default     = []
}

variable "vpc_cidr" {
  description = "CIDR of the VPC created with `enable_nat_instance`, a /16 to /20 (default `10.20.0.0/16`)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "lambda_subnet_ids" {
  description = "Existing subnets to run both functions in, with egress to the internet; empty (default) for none. Not with `enable_nat_instance`."
  type        = list(string)
  default     = []
}

variable "lambda_security_group_ids" {
  description = "Security groups for `lambda_subnet_ids`."
  type        = list(string)
  default     = []
}

################################################################################
# Monitoring
################################################################################

variable "create_monitoring" {
  description = "Whether to create the dashboard, the alarms and their SNS topic (true, default, or false)."
  type        = bool
  default     = true
}

variable "alarm_email" {
  description = "Email subscribed to the alarm topic (confirm the subscription from the email); null (default) for none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.alarm_email, "-")))
    error_message = "Expected `alarm_email` to be null or an email address."
  }
}

variable "sns_kms_key_id" {
  description = "Customer managed key (ID, ARN or alias) for the alarm topic; null (default) uses one created for it (`create_sns_kms_key`). Its policy must let `cloudwatch.amazonaws.com` use it; the AWS managed `alias/aws/sns` cannot serve alarms and is refused."
  type        = string
  default     = null

  validation {
    condition     = var.sns_kms_key_id == null || !can(regex("alias/aws/sns$", coalesce(var.sns_kms_key_id, "-")))
    error_message = "Expected `sns_kms_key_id` not to be the AWS managed `alias/aws/sns`: CloudWatch alarms cannot publish to a topic encrypted with it."
  }
}

variable "create_sns_kms_key" {
  description = "Whether to create a customer managed key for the alarm topic when `sns_kms_key_id` is null (true, default; about 1 USD a month); false leaves the topic unencrypted."
  type        = bool
  default     = true
}

variable "worker_errors_alarm_threshold" {
  description = "Worker errors per 5 minutes above which the errors alarm fires, 0 up (default 5)."
  type        = number
  default     = 5

  validation {
    condition     = var.worker_errors_alarm_threshold >= 0
    error_message = "Expected `worker_errors_alarm_threshold` to be a number from 0 up."
  }
}

variable "queue_age_alarm_seconds" {
  description = "Age of the oldest job above which the queue-age alarm fires, 60 to 1209600 seconds (default 21600)."
  type        = number
  default     = 21600

  validation {
    condition     = var.queue_age_alarm_seconds >= 60 && var.queue_age_alarm_seconds <= 1209600
    error_message = "Expected `queue_age_alarm_seconds` to be a number from 60 to 1209600."
  }
}
