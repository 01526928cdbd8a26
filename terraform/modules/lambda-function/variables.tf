################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the function, its role and its log group (true or false)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Function
################################################################################

variable "function_name" {
  description = "Name of the function (also of its role and log group): 1 to 64 characters, letters, digits, `-` and `_`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "Expected `function_name` to be 1 to 64 characters of letters, digits, `-` and `_`."
  }
}

variable "description" {
  description = "Description of the function, at most 256 characters."
  type        = string
  default     = ""

  validation {
    condition     = length(var.description) <= 256
    error_message = "Expected `description` to be at most 256 characters."
  }
}

variable "filename" {
  description = "Path of the deployment zip (built by `pnpm build`, e.g. `functions/worker/dist/worker.zip`). Read at plan time to compute the code hash; not needed by `terraform validate`."
  type        = string

  validation {
    condition     = endswith(var.filename, ".zip")
    error_message = "Expected `filename` to be the path of a `.zip` file."
  }
}

variable "handler" {
  description = "Handler of the function, `<file>.<export>` (default `index.handler`)."
  type        = string
  default     = "index.handler"

  validation {
    condition     = can(regex("^[^\\s]+\\.[A-Za-z_$][A-Za-z0-9_$]*$", var.handler)) && length(var.handler) <= 128
    error_message = "Expected `handler` to look like `index.handler` (at most 128 characters)."
  }
}

variable "runtime" {
  description = "Node.js runtime of the function (default `nodejs22.x`)."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = can(regex("^nodejs[0-9]+\\.x$", var.runtime))
    error_message = "Expected `runtime` to be a Node.js runtime such as `nodejs22.x`."
  }
}

variable "architecture" {
  description = "Instruction set of the function: `arm64` (default, cheaper per GB-second) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "Expected `architecture` to be `arm64` or `x86_64`."
  }
}

variable "memory_size" {
  description = "Memory of the function, 128 to 10240 MB (one vCPU at 1769 MB)."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "Expected `memory_size` to be a whole number from 128 to 10240."
  }
}

variable "timeout" {
  description = "Timeout of the function, 1 to 900 seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "Expected `timeout` to be a whole number from 1 to 900."
  }
}

variable "ephemeral_storage_size" {
  description = "Size of `/tmp`, 512 to 10240 MB."
  type        = number
  default     = 512

  validation {
    condition     = var.ephemeral_storage_size >= 512 && var.ephemeral_storage_size <= 10240
    error_message = "Expected `ephemeral_storage_size` to be a number from 512 to 10240."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function: -1 (default) for none, 0 to stop it, or a positive number (the account must keep 100 unreserved; new accounts may have a quota of only 10)."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "Expected `reserved_concurrent_executions` to be -1 (unreserved) or a whole number from 0 up."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (total size at most 4 KB)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_")])
    error_message = "Expected environment variable names to be letters, digits and `_`, starting with a letter, and not in the reserved `AWS_` namespace."
  }
}

################################################################################
# VPC
################################################################################

variable "vpc_subnet_ids" {
  description = "Subnets the function runs in; empty (default) runs it outside any VPC. Set together with `vpc_security_group_ids`."
  type        = list(string)
  default     = []
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function in the VPC; set together with `vpc_subnet_ids`."
  type        = list(string)
  default     = []
}

################################################################################
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Retention of the `/aws/lambda/<name>` log group in days: 0 (never expire) or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Expected `log_retention_in_days` to be 0 or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_id" {
  description = "ARN of a KMS key encrypting the log group; null (default) uses CloudWatch Logs' own encryption. The key policy must allow the `logs.<region>.amazonaws.com` service."
  type        = string
  default     = null
}

################################################################################
# IAM
################################################################################

variable "role_name" {
  description = "Name of the execution role, 1 to 64 characters; null (default) uses `function_name`."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "Expected `role_name` to be null or 1 to 64 characters of letters, digits and `+=,.@_-`."
  }
}

variable "role_path" {
  description = "Path of the execution role (default `/`)."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]*/)?$", var.role_path)) && length(var.role_path) <= 512
    error_message = "Expected `role_path` to begin and end with `/` (at most 512 characters)."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of a managed policy used as the role's permissions boundary; null (default) for none."
  type        = string
  default     = null
}

variable "inline_policies" {
  description = "Extra inline policies of the role: policy name (1 to 128 characters of letters, digits and `+=,.@_-`) to JSON document. Keys must be known at plan time; values may not be. All inline policies of a role share a 10,240-character quota."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.inline_policies) : can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", name)) && !contains(["logs", "vpc-access"], name)])
    error_message = "Expected `inline_policies` keys to be 1 to 128 characters of letters, digits and `+=,.@_-`, other than the reserved `logs` and `vpc-access`."
  }
}
