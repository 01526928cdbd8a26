variable "region" {
  description = "Region of the deployment: the source bucket's region (S3 sends events to queues of its own region)."
  type        = string
  default     = "us-east-1"
}

variable "worker_zip_path" {
  description = "Path of the worker bundle; null for the repository's `functions/worker/dist/worker.zip`."
  type        = string
  default     = null
}

variable "jobsender_zip_path" {
  description = "Path of the jobsender bundle; null for the repository's `functions/jobsender/dist/jobsender.zip`."
  type        = string
  default     = null
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "s3-migrate-events"
}

variable "source_bucket" {
  description = "Existing bucket in this account and region whose new objects are copied. Its notification configuration is replaced."
  type        = string
}

variable "source_prefix" {
  description = "Only keys under this prefix are copied; empty for all."
  type        = string
  default     = ""
}

variable "source_bucket_versioned" {
  description = "Whether the source bucket has versioning on, so that the worker reads the exact version an event names."
  type        = bool
  default     = false
}

variable "destination_bucket" {
  description = "Bucket to copy to, in the account of the credentials parameter."
  type        = string
}

variable "destination_prefix" {
  description = "Prefix joined with each source key at the destination; empty for none."
  type        = string
  default     = ""
}

variable "propagate_deletes" {
  description = "Whether deletions at the source are repeated at the destination."
  type        = bool
  default     = false
}

variable "credentials_parameter_name" {
  description = "SecureString holding the destination account's access key; null for `/<name_prefix>/credentials` (create it before applying)."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "Email for the alarms; null for none."
  type        = string
  default     = null
}
