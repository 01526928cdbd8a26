################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create any resource in this module (true or false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Job queue
################################################################################

variable "name" {
  description = "Name of the job queue: 1 to 76 characters, letters, digits, `-` and `_` (76 leaves room for the `-dlq` suffix)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "Expected `name` to be 1 to 76 characters of letters, digits, `-` and `_`."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the job queue, 0 to 43200 seconds. Must be at least `worker_timeout_seconds`, or a message would be redelivered while the worker still holds it; the root module uses the worker timeout plus 60 seconds."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "Expected `visibility_timeout_seconds` to be a whole number from 0 to 43200."
  }
}

variable "worker_timeout_seconds" {
  description = "Timeout of the function consuming the queue, 1 to 900 seconds. Only used to check `visibility_timeout_seconds`."
  type        = number
  default     = 900

  validation {
    condition     = var.worker_timeout_seconds >= 1 && var.worker_timeout_seconds <= 900
    error_message = "Expected `worker_timeout_seconds` to be a number from 1 to 900."
  }
}

variable "message_retention_seconds" {
  description = "How long the job queue keeps a message, 60 to 1209600 seconds (14 days, the default)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "Expected `message_retention_seconds` to be a number from 60 to 1209600."
  }
}

variable "receive_wait_time_seconds" {
  description = "Long-polling wait of ReceiveMessage calls that do not set one, 0 to 20 seconds."
  type        = number
  default     = 20

  validation {
    condition     = var.receive_wait_time_seconds >= 0 && var.receive_wait_time_seconds <= 20
    error_message = "Expected `receive_wait_time_seconds` to be a number from 0 to 20."
  }
}

variable "max_receive_count" {
  description = "Receives of one message before SQS moves it to the dead-letter queue, 1 to 1000. The default, 60, matches the original solution: a large object may need many 15-minute invocations."
  type        = number
  default     = 60

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "Expected `max_receive_count` to be a whole number from 1 to 1000."
  }
}

################################################################################
# Dead-letter queue
################################################################################

variable "dlq_name" {
  description = "Name of the dead-letter queue, 1 to 80 characters; null means `<name>-dlq`."
  type        = string
  default     = null

  validation {
    condition     = var.dlq_name == null || can(regex("^[A-Za-z0-9_-]{1,80}$", var.dlq_name))
    error_message = "Expected `dlq_name` to be null or 1 to 80 characters of letters, digits, `-` and `_`."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the dead-letter queue keeps a message, 60 to 1209600 seconds (14 days, the default)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "Expected `dlq_message_retention_seconds` to be a number from 60 to 1209600."
  }
}

################################################################################
# Encryption
################################################################################

variable "kms_master_key_id" {
  description = "KMS key (ID, ARN or alias) for SSE-KMS on both queues; null (default) uses SQS-managed keys (SSE-SQS). A customer managed key must allow `s3.amazonaws.com` to `kms:GenerateDataKey` and `kms:Decrypt` if S3 event notifications are sent to the queue; the AWS managed `alias/aws/sqs` key cannot be used with S3 notifications."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || try(length(var.kms_master_key_id) > 0, false)
    error_message = "Expected `kms_master_key_id` to be null or a non-empty key ID, ARN or alias."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again, 60 to 86400 seconds; only with `kms_master_key_id`."
  type        = number
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "Expected `kms_data_key_reuse_period_seconds` to be a number from 60 to 86400."
  }
}

variable "create_message_key" {
  description = "Create the KMS HMAC key (HMAC_256) that signs and checks the job queue's messages; false when the caller brings its own (the root module's `message_key_arn`)."
  type        = bool
  default     = true
}

variable "message_key_deletion_window_in_days" {
  description = "Days KMS waits before deleting the message key once it is scheduled for deletion (7 to 30). Messages signed with it cannot be checked after that: drain the queues first."
  type        = number
  default     = 30

  validation {
    condition     = var.message_key_deletion_window_in_days >= 7 && var.message_key_deletion_window_in_days <= 30
    error_message = "Expected `message_key_deletion_window_in_days` to be a number from 7 to 30."
  }
}

################################################################################
# Queue policies
################################################################################

variable "restrict_senders" {
  description = "Whether the queue policies deny `sqs:SendMessage` to everyone but `sender_principal_arns` (job queue), `dlq_sender_principal_arns` (DLQ) and, on the job queue, the S3 event notifications of `s3_source_bucket_arns` (true, default, or false). Both policies always deny requests without TLS."
  type        = bool
  default     = true
}

variable "sender_principal_arns" {
  description = "IAM roles and users (ARNs, as `aws:PrincipalArn` sees them: `arn:<partition>:iam::<account>:role/<path><name>`, never an `sts` assumed-role ARN) that may send to the job queue: the functions' roles and the operators who run `s3-migrate send`, `redrive` or a cluster-mode worker. `*` and `?` are wildcards in the name. At most 20."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.sender_principal_arns) <= 20 && alltrue([for arn in var.sender_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[\\x21-\\x7E]+)$", arn))])
    error_message = "Expected at most 20 `sender_principal_arns`, each an IAM role, user or account root ARN such as `arn:aws:iam::111122223333:role/ops` (not an `arn:aws:sts::...:assumed-role/...` session ARN: aws:PrincipalArn is the role's ARN)."
  }
}

variable "dlq_sender_principal_arns" {
  description = "IAM roles and users (ARNs, as in `sender_principal_arns`) that may send to the dead-letter queue: the worker's role (terminal failures) and cluster-mode workers. At most 20."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.dlq_sender_principal_arns) <= 20 && alltrue([for arn in var.dlq_sender_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[\\x21-\\x7E]+)$", arn))])
    error_message = "Expected at most 20 `dlq_sender_principal_arns`, each an IAM role, user or account root ARN such as `arn:aws:iam::111122223333:role/worker` (not an `arn:aws:sts::...:assumed-role/...` session ARN)."
  }
}

variable "create_s3_notification_policy" {
  description = "Whether to create the event queue (`event_queue_name`) for S3 event notifications: only `s3.amazonaws.com` may send to it, for `s3_source_bucket_arns` (of `s3_source_account_ids`); every other sender is denied whatever its IAM policy. The job queue never takes S3's messages. True or false (default)."
  type        = bool
  default     = false
}

variable "event_queue_name" {
  description = "Name of the event queue, 1 to 80 characters; null means `<name>-events`. Only with `create_s3_notification_policy`."
  type        = string
  default     = null

  validation {
    condition     = var.event_queue_name == null || can(regex("^[A-Za-z0-9_-]{1,80}$", var.event_queue_name))
    error_message = "Expected `event_queue_name` to be null or 1 to 80 characters of letters, digits, `-` and `_`."
  }
}

variable "s3_source_bucket_arns" {
  description = "ARNs of the buckets allowed to send event notifications (`arn:<partition>:s3:::<bucket>`, checked as `aws:SourceArn`); required when `create_s3_notification_policy` is true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.s3_source_bucket_arns : can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "Expected every `s3_source_bucket_arns` element to be a bucket ARN such as `arn:aws:s3:::my-bucket` (no wildcards)."
  }
}

variable "s3_source_account_ids" {
  description = "Account IDs owning those buckets, checked as `aws:SourceAccount` (a deleted bucket's name can be taken by another account); empty (default) adds no such condition."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.s3_source_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "Expected every `s3_source_account_ids` element to be a 12-digit account ID."
  }
}
