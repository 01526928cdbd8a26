variable "region" {
  description = "Region of the functions, the queue, the ledger and the parameters (here: not the source bucket's)."
  type        = string
  default     = "eu-central-1"
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
  default     = "s3-migrate"
}

variable "source_bucket" {
  description = "Bucket to copy from, in this account (AWS Global)."
  type        = string
}

variable "source_prefix" {
  description = "Prefix to copy from; empty for the whole bucket."
  type        = string
  default     = ""
}

variable "source_region" {
  description = "Region of the source bucket (another one than `region`)."
  type        = string
  default     = "us-east-1"
}

variable "source_owner" {
  description = "Account that owns the source bucket; null for this account."
  type        = string
  default     = null
}

variable "destination_bucket" {
  description = "Bucket to copy to, in the China account of the credentials parameter."
  type        = string
}

variable "destination_prefix" {
  description = "Prefix joined with each source key at the destination; empty for none."
  type        = string
  default     = ""
}

variable "destination_region" {
  description = "Region of the destination bucket, in AWS China; it may differ from the region the stored key names."
  type        = string
  default     = "cn-northwest-1"
}

variable "destination_owner" {
  description = "China account that owns the destination bucket; null for no check."
  type        = string
  default     = null
}

variable "credentials_parameter_name" {
  description = "SecureString holding the China account's access key; null for `/<name_prefix>/credentials` (create it before applying)."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "Email for the alarms; null for none."
  type        = string
  default     = null
}
