variable "region" {
  description = "AWS Global region of the deployment: the source buckets' region."
  type        = string
  default     = "ap-northeast-1"
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

variable "bucket_pairs" {
  description = "Source (this account) and destination (China account) buckets and prefixes."
  type = list(object({
    src_bucket = string
    src_prefix = string
    des_bucket = string
    des_prefix = string
  }))
}

variable "ignore_list" {
  description = "Globs of bucket/key to skip."
  type        = list(string)
  default     = []
}

variable "credentials_parameter_name" {
  description = "SecureString holding `{\"aws_access_key_id\",\"aws_secret_access_key\",\"region\":\"cn-northwest-1\"}` of the China account; null for `/<name_prefix>/credentials` (create it before applying)."
  type        = string
  default     = null
}

variable "credentials_kms_key_arn" {
  description = "Customer managed key of that SecureString; null for `alias/aws/ssm`."
  type        = string
  default     = null
}

variable "storage_class" {
  description = "Storage class of the copies."
  type        = string
  default     = "STANDARD"
}

variable "sources_versioned" {
  description = "Whether the source buckets have versioning on (pins each transfer to one version)."
  type        = bool
  default     = false
}

variable "worker_maximum_concurrency" {
  description = "Most workers at once."
  type        = number
  default     = 200
}

variable "nat_instance_type" {
  description = "Instance type of the NAT instance (arm64); `c6gn.medium` or larger for sustained throughput."
  type        = string
  default     = "t4g.small"
}

variable "operator_role_arns" {
  description = "IAM roles of the operators who run `s3-migrate send`, `status` or `redrive` (the queues refuse other senders); give them `operator_policy_json` too."
  type        = list(string)
  default     = []
}

variable "alarm_email" {
  description = "Email for the alarms; null for none."
  type        = string
  default     = null
}

variable "ledger_deletion_protection" {
  description = "Whether the ledger table refuses deletion (turn off before `terraform destroy`)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = { Project = "s3-migrate" }
}
