variable "region" {
  description = "Region of the deployment: the source bucket's region (direction PUT)."
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
  default     = "s3-migrate"
}

variable "source_bucket" {
  description = "Bucket to copy from, in this account."
  type        = string
}

variable "source_prefix" {
  description = "Prefix to copy from; empty for the whole bucket."
  type        = string
  default     = ""
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

variable "credentials_parameter_name" {
  description = "SecureString holding the destination account's access key; null for `/<name_prefix>/credentials` (create it before applying)."
  type        = string
  default     = null
}
