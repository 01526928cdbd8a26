################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create anything in this module (true or false)."
  type        = bool
  default     = true
}

variable "name" {
  description = "Prefix of the dashboard, topic and alarm names: 1 to 200 characters, letters, digits, `-` and `_`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "Expected `name` to be 1 to 200 characters of letters, digits, `-` and `_`."
  }
}

variable "tags" {
  description = "Tags added to the topic and alarms (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Monitored resources
################################################################################

variable "worker_function_name" {
  description = "Name of the worker function."
  type        = string
}

variable "jobsender_function_name" {
  description = "Name of the jobsender function; null when there is none (S3-event-only deployments)."
  type        = string
  default     = null
}

variable "queue_name" {
  description = "Name of the job queue."
  type        = string
}

variable "dlq_name" {
  description = "Name of the dead-letter queue."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' EMF metrics (`POWERTOOLS_METRICS_NAMESPACE`), 1 to 255 characters."
  type        = string
  default     = "s3-migrate"

  validation {
    condition     = length(var.metrics_namespace) >= 1 && length(var.metrics_namespace) <= 255 && !startswith(var.metrics_namespace, "AWS/")
    error_message = "Expected `metrics_namespace` to be 1 to 255 characters, not in the reserved `AWS/` space."
  }
}

variable "worker_service_name" {
  description = "`service` dimension of the worker's EMF metrics (`POWERTOOLS_SERVICE_NAME`)."
  type        = string
  default     = "worker"
}

variable "jobsender_service_name" {
  description = "`service` dimension of the jobsender's EMF metrics (`POWERTOOLS_SERVICE_NAME`)."
  type        = string
  default     = "jobsender"
}

################################################################################
# Dashboard
################################################################################

variable "create_dashboard" {
  description = "Whether to create the CloudWatch dashboard (true, default, or false)."
  type        = bool
  default     = true
}

variable "dashboard_name" {
  description = "Name of the dashboard, 1 to 255 characters of letters, digits, `-` and `_`; null (default) means `name`. Dashboards are account-wide (their ARN has no region): give a name that includes the region when one `name` is deployed in several regions."
  type        = string
  default     = null

  validation {
    condition     = var.dashboard_name == null || can(regex("^[A-Za-z0-9_-]{1,255}$", coalesce(var.dashboard_name, "-")))
    error_message = "Expected `dashboard_name` to be null or 1 to 255 characters of letters, digits, `-` and `_`."
  }
}

variable "dashboard_period_seconds" {
  description = "Period of the dashboard's graphs: 60 (default) or a multiple of 60 seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.dashboard_period_seconds >= 60 && var.dashboard_period_seconds % 60 == 0
    error_message = "Expected `dashboard_period_seconds` to be a multiple of 60 from 60 up."
  }
}

################################################################################
# Notifications
################################################################################

variable "create_sns_topic" {
  description = "Whether to create the alarm topic (true, default); false uses `sns_topic_arn`."
  type        = bool
  default     = true
}

variable "sns_topic_arn" {
  description = "ARN of an existing topic for the alarms, when `create_sns_topic` is false; null sends alarms nowhere."
  type        = string
  default     = null
}

variable "sns_kms_master_key_id" {
  description = "KMS key (ID, ARN or alias) encrypting the created topic; null (default) uses a key this module creates (`create_sns_kms_key`). A key of yours must be customer managed, with a policy allowing `cloudwatch.amazonaws.com` to `kms:Decrypt` and `kms:GenerateDataKey*`: alarms cannot publish to a topic under the AWS managed `alias/aws/sns`."
  type        = string
  default     = null

  validation {
    condition     = var.sns_kms_master_key_id == null || !can(regex("alias/aws/sns$", coalesce(var.sns_kms_master_key_id, "-")))
    error_message = "Expected `sns_kms_master_key_id` not to be the AWS managed `alias/aws/sns`: CloudWatch alarms cannot publish to a topic encrypted with it."
  }
}

variable "create_sns_kms_key" {
  description = "Whether to create a customer managed key (rotated yearly, usable by this module's alarms) for the topic when `sns_kms_master_key_id` is null (true, default); false leaves such a topic unencrypted."
  type        = bool
  default     = true
}

variable "sns_kms_key_deletion_window_in_days" {
  description = "Days a destroyed topic key waits before deletion, 7 to 30 (default 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.sns_kms_key_deletion_window_in_days >= 7 && var.sns_kms_key_deletion_window_in_days <= 30 && floor(var.sns_kms_key_deletion_window_in_days) == var.sns_kms_key_deletion_window_in_days
    error_message = "Expected `sns_kms_key_deletion_window_in_days` to be a whole number from 7 to 30."
  }
}

variable "alarm_email" {
  description = "Email address subscribed to the created topic (the subscription must be confirmed from the email); null (default) for none."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "Expected `alarm_email` to be null or an email address."
  }
}

################################################################################
# Alarms
################################################################################

variable "create_alarms" {
  description = "Whether to create the alarms (true, default, or false)."
  type        = bool
  default     = true
}

variable "alarm_period_seconds" {
  description = "Period over which each alarm evaluates its metric: 60 to 86400 seconds, a multiple of 60 (default 300)."
  type        = number
  default     = 300

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds <= 86400 && var.alarm_period_seconds % 60 == 0
    error_message = "Expected `alarm_period_seconds` to be a multiple of 60 from 60 to 86400."
  }
}

variable "worker_errors_threshold" {
  description = "Worker errors per period above which the errors alarm fires, 0 up (default 5). Retried transient errors are expected during long migrations."
  type        = number
  default     = 5

  validation {
    condition     = var.worker_errors_threshold >= 0
    error_message = "Expected `worker_errors_threshold` to be a number from 0 up."
  }
}

variable "oldest_message_age_threshold_seconds" {
  description = "Age of the oldest job above which the queue-age alarm fires, 60 to 1209600 seconds (default 21600, 6 hours). A large backlog legitimately waits: raise it for big migrations."
  type        = number
  default     = 21600

  validation {
    condition     = var.oldest_message_age_threshold_seconds >= 60 && var.oldest_message_age_threshold_seconds <= 1209600
    error_message = "Expected `oldest_message_age_threshold_seconds` to be a number from 60 to 1209600."
  }
}
