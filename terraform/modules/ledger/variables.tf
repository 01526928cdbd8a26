################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the table (true or false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to the table (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Table
################################################################################

variable "name" {
  description = "Name of the ledger table: 3 to 255 characters, letters, digits, `_`, `-` and `.`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "Expected `name` to be 3 to 255 characters of letters, digits, `_`, `-` and `.`."
  }
}

variable "table_class" {
  description = "Table class: `STANDARD` (default) or `STANDARD_INFREQUENT_ACCESS`."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "STANDARD_INFREQUENT_ACCESS"], var.table_class)
    error_message = "Expected `table_class` to be `STANDARD` or `STANDARD_INFREQUENT_ACCESS`."
  }
}

variable "ttl_attribute_name" {
  description = "Attribute holding the expiry time (epoch seconds) of an item, 1 to 255 characters. The code writes `expires_at`; change it only together with the code."
  type        = string
  default     = "expires_at"

  validation {
    condition     = length(var.ttl_attribute_name) >= 1 && length(var.ttl_attribute_name) <= 255
    error_message = "Expected `ttl_attribute_name` to be 1 to 255 characters."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Whether point-in-time recovery is on (true, default, or false)."
  type        = bool
  default     = true
}

variable "deletion_protection_enabled" {
  description = "Whether the table refuses to be deleted (true or false, default). Turn it on for long migrations; `terraform destroy` then fails until it is turned off."
  type        = bool
  default     = false
}

################################################################################
# Encryption
################################################################################

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for the table; null (default) uses the AWS managed key `alias/aws/dynamodb`. Encryption at rest is always on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "Expected `kms_key_arn` to be null or a KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`)."
  }
}
