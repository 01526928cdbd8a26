variable "region" {
  description = "Region of both deployments (AWS Global), and of the Global bucket."
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
  description = "Prefix of both deployments' names, 1 to 29 characters: `-to-china` and `-from-china` are added."
  type        = string
  default     = "s3-migrate"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,29}$", var.name_prefix))
    error_message = "Expected `name_prefix` to be 1 to 29 characters of letters, digits, `-` and `_`."
  }
}

variable "global_bucket" {
  description = "Bucket in this account (AWS Global) that sends and receives."
  type        = string
}

variable "china_bucket" {
  description = "Bucket in the China account that sends and receives."
  type        = string
}

variable "china_region" {
  description = "Region of the China bucket."
  type        = string
  default     = "cn-northwest-1"
}

variable "global_outgoing_prefix" {
  description = "What goes to China: keys of the Global bucket under this prefix."
  type        = string
  default     = "outgoing/"
}

variable "china_incoming_folder" {
  description = "Where those land in the China bucket (joined with the full key)."
  type        = string
  default     = "from-global/"
}

variable "china_outgoing_prefix" {
  description = "What comes from China: keys of the China bucket under this prefix."
  type        = string
  default     = "outgoing/"
}

variable "global_incoming_folder" {
  description = "Where those land in the Global bucket (joined with the full key)."
  type        = string
  default     = "from-china/"
}

variable "alarm_email" {
  description = "Email for both deployments' alarms; null for none."
  type        = string
  default     = null
}
