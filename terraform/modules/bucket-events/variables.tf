################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the bucket notification (true, default, or false). False creates nothing and leaves the `queue_configuration` output for a notification of your own: `aws_s3_bucket_notification` owns a bucket's whole notification configuration, so two owners of one bucket (two deployments, or another tool) overwrite each other; one resource holding every queue must own it instead."
  type        = bool
  default     = true
}

################################################################################
# Notification
################################################################################

variable "bucket" {
  description = "Name of the existing source bucket (3 to 63 characters). Its whole notification configuration is replaced: merge any existing notification into this module first."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "Expected `bucket` to be an S3 bucket name: 3 to 63 characters of lowercase letters, digits, `.` and `-`."
  }
}

variable "id" {
  description = "Id of the queue configuration in the bucket's notification configuration, 1 to 255 characters (default `s3-migrate`); unique among the bucket's configurations when several share it."
  type        = string
  default     = "s3-migrate"

  validation {
    condition     = length(var.id) >= 1 && length(var.id) <= 255
    error_message = "Expected `id` to be 1 to 255 characters."
  }
}

variable "queue_arn" {
  description = "ARN of the job queue receiving the events; its policy must let the bucket send (see the queue module's `create_s3_notification_policy`)."
  type        = string
}

variable "include_object_removed" {
  description = "Whether to send `s3:ObjectRemoved:*` events too, for delete propagation (true or false, default)."
  type        = bool
  default     = false
}

variable "filter_prefix" {
  description = "Only keys beginning with this prefix raise events; empty (default) for every key. At most 1024 characters."
  type        = string
  default     = ""

  validation {
    condition     = length(var.filter_prefix) <= 1024
    error_message = "Expected `filter_prefix` to be at most 1024 characters."
  }
}

variable "filter_suffix" {
  description = "Only keys ending with this suffix raise events; empty (default) for every key. At most 1024 characters."
  type        = string
  default     = ""

  validation {
    condition     = length(var.filter_suffix) <= 1024
    error_message = "Expected `filter_suffix` to be at most 1024 characters."
  }
}
