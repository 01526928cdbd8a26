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
  description = "Bucket pairs the functions migrate (add the S3-event source and default destination as one more pair). A prefix of `\"\"` or `\"/\"` grants the whole bucket; prefixes must not contain `*` or `?`."
  type = list(object({
    src_bucket = string
    src_prefix = string
    des_bucket = string
    des_prefix = string
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
      for prefix in [p.src_prefix, p.des_prefix] : !can(regex("[*?]", prefix))
    ])])
    error_message = "Expected no `*` or `?` in `src_prefix` and `des_prefix`: IAM would read them as wildcards."
  }
}

variable "propagate_deletes" {
  description = "Whether the worker deletes destination objects whose source was deleted; adds `s3:DeleteObject` when the role writes the destination (true or false, default)."
  type        = bool
  default     = false
}

variable "compare_version_id" {
  description = "Whether the jobsender lists source versions; adds `s3:ListBucketVersions` when the role reads the source (true or false, default)."
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

variable "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue the worker sends terminal failures to; null grants nothing."
  type        = string
  default     = null
}

variable "worker_can_send_messages" {
  description = "Whether the worker may send to the job queue, to continue an unfinished object in a fresh invocation or fan a giant object out as part ranges (true, default, or false)."
  type        = bool
  default     = true
}

variable "ledger_table_arn" {
  description = "ARN of the ledger table; its indexes are granted too."
  type        = string
}

variable "parameter_arns" {
  description = "ARNs of the SSM parameters the functions read (bucket pairs, ignore list, credentials)."
  type        = list(string)
}

################################################################################
# KMS
################################################################################

variable "credentials_kms_key_arn" {
  description = "ARN of the customer managed key encrypting the credentials SecureString; null (default) when it uses `alias/aws/ssm`, which needs no grant."
  type        = string
  default     = null
}

variable "queue_kms_key_arn" {
  description = "ARN of the customer managed key of the job queue; null (default) for SQS-managed encryption."
  type        = string
  default     = null
}

variable "ledger_kms_key_arn" {
  description = "ARN of the customer managed key of the ledger table; null (default) for the AWS managed key."
  type        = string
  default     = null
}

variable "source_kms_key_arns" {
  description = "ARNs of customer managed keys encrypting source objects (SSE-KMS); granted `kms:Decrypt` only when the role reads the source."
  type        = list(string)
  default     = []
}

variable "destination_kms_key_arns" {
  description = "ARNs of customer managed keys for destination objects (SSE-KMS); granted `kms:GenerateDataKey` and `kms:Decrypt` only when the role writes the destination."
  type        = list(string)
  default     = []
}
