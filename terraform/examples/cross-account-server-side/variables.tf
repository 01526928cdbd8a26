variable "region" {
  description = "Region of the deployment and of the source bucket."
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
  description = "Bucket to copy to, in the other account (same partition)."
  type        = string
}

variable "destination_prefix" {
  description = "Prefix joined with each source key at the destination; empty for none."
  type        = string
  default     = ""
}

variable "destination_region" {
  description = "Region of the destination bucket, for the provider that puts its bucket policy and for the pair (`des_region`, so the functions need not look it up); null for the deployment's region (`region`)."
  type        = string
  default     = null
}

variable "destination_admin_role_arn" {
  description = "Role in the destination account that Terraform assumes to put the bucket policy."
  type        = string
}

variable "destination_bucket_policy_json" {
  description = "The destination bucket's policy as it is before s3-migrate (JSON), kept under the statements added; null when it has none."
  type        = string
  default     = null
}
