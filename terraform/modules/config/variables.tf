################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the bucket-pairs and ignore-list parameters (true or false)."
  type        = bool
  default     = true
}

variable "tier" {
  description = "Parameter tier of the two String parameters: `Standard` (default, values up to 4 KB, free), `Advanced` (up to 8 KB, charged) or `Intelligent-Tiering`."
  type        = string
  default     = "Standard"

  validation {
    condition     = contains(["Standard", "Advanced", "Intelligent-Tiering"], var.tier)
    error_message = "Expected `tier` to be `Standard`, `Advanced` or `Intelligent-Tiering`."
  }
}

variable "tags" {
  description = "Tags added to every parameter (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Bucket pairs
################################################################################

variable "bucket_pairs_parameter_name" {
  description = "Name of the String parameter holding the bucket pairs as JSON, 1 to 1011 characters (`name` or `/path/name`; must not begin with `aws` or `ssm`)."
  type        = string

  validation {
    condition     = can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.bucket_pairs_parameter_name)) && length(var.bucket_pairs_parameter_name) <= 1011 && !can(regex("^/?(?i)(aws|ssm)", var.bucket_pairs_parameter_name))
    error_message = "Expected `bucket_pairs_parameter_name` to be a parameter name (letters, digits, `_.-`, `/` separated, not beginning with `aws` or `ssm`)."
  }
}

variable "bucket_pairs" {
  description = "Bucket pairs to migrate, stored as the JSON list `[{\"src_bucket\",\"src_prefix\",\"des_bucket\",\"des_prefix\"}]` the code reads, with `src_region`, `des_region` (the bucket's region, given instead of found), `src_owner` and `des_owner` (the 12-digit account that must own the bucket) where set; unset ones are left out, not written as null. A prefix of `\"\"` or `\"/\"` means the whole bucket; prefixes must not contain `*`, `?` or `$${`. May be empty (S3-event-only deployments)."
  type = list(object({
    src_bucket = string
    src_prefix = string
    des_bucket = string
    des_prefix = string
    src_region = optional(string)
    des_region = optional(string)
    src_owner  = optional(string)
    des_owner  = optional(string)
  }))
  default = []

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for b in [p.src_bucket, p.des_bucket] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))
    ])])
    error_message = "Expected every `src_bucket` and `des_bucket` to be an S3 bucket name: 3 to 63 characters of lowercase letters, digits, `.` and `-`."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue([
      for prefix in [p.src_prefix, p.des_prefix] : !can(regex("[*?]", prefix)) && !strcontains(prefix, "$${") && length(prefix) <= 1024
    ])])
    error_message = "Expected every `src_prefix` and `des_prefix` to have no `*`, `?` or `$${` (IAM wildcards and policy variables would widen the grants) and at most 1024 characters."
  }

  validation {
    condition = alltrue([for p in var.bucket_pairs : alltrue(concat(
      [for r in compact([p.src_region, p.des_region]) : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", r))],
      [for o in compact([p.src_owner, p.des_owner]) : can(regex("^[0-9]{12}$", o))],
    ))])
    error_message = "Expected every `src_region` and `des_region` to be null or an AWS region such as `eu-west-1`, and every `src_owner` and `des_owner` null or a 12-digit account ID."
  }
}

################################################################################
# Ignore list
################################################################################

variable "ignore_list_parameter_name" {
  description = "Name of the String parameter holding the ignore list, 1 to 1011 characters (`name` or `/path/name`; must not begin with `aws` or `ssm`)."
  type        = string

  validation {
    condition     = can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.ignore_list_parameter_name)) && length(var.ignore_list_parameter_name) <= 1011 && !can(regex("^/?(?i)(aws|ssm)", var.ignore_list_parameter_name))
    error_message = "Expected `ignore_list_parameter_name` to be a parameter name (letters, digits, `_.-`, `/` separated, not beginning with `aws` or `ssm`)."
  }
}

variable "ignore_list" {
  description = "Globs of `bucket/key` to skip, one per element (`*` also crosses `/`, `?` is one character), e.g. `*.jpg`, `*/readme.md`, `my-bucket/logs/*`. May be empty. Stored one per line after a comment header, because SSM rejects empty values: lines starting with `#` are comments."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for g in var.ignore_list : length(trimspace(g)) > 0 && !can(regex("[\r\n]", g)) && !startswith(g, "#")])
    error_message = "Expected every `ignore_list` element to be a non-blank glob without line breaks that does not start with `#` (such lines are comments)."
  }
}

################################################################################
# Credentials
################################################################################

variable "credentials_parameter_name" {
  description = "Name or ARN of the SecureString parameter holding `{\"aws_access_key_id\",\"aws_secret_access_key\",\"region\",\"endpoint\"?}` for the other account. Created out of band by default (recommended, as in the original solution): this module only passes the name through."
  type        = string
  default     = "s3_migration_credentials"

  validation {
    condition = (
      can(regex("^arn:[a-z-]+:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+$", var.credentials_parameter_name)) ||
      (can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.credentials_parameter_name)) && length(var.credentials_parameter_name) <= 1011)
    )
    error_message = "Expected `credentials_parameter_name` to be a parameter name (`name` or `/path/name`) or a parameter ARN."
  }
}

variable "create_credentials_parameter" {
  description = "Whether to create the credentials SecureString from the ephemeral `credentials` (true or false, default). The value is write-only: it never enters the state, but it passes through the machine running Terraform; creating the parameter out of band keeps it off that machine too."
  type        = bool
  default     = false
}

variable "credentials" {
  description = "Access key of the other account, only used when `create_credentials_parameter` is true. `region` is where the other side's buckets are (e.g. `cn-northwest-1`); the optional `endpoint` (an `http(s)` URL) points that side at an S3-compatible or test endpoint. Ephemeral: written with the write-only `value_wo`, it never enters the plan or the state."
  type = object({
    aws_access_key_id     = string
    aws_secret_access_key = string
    region                = string
    endpoint              = optional(string)
  })
  default   = null
  sensitive = true
  ephemeral = true

  validation {
    condition     = var.credentials == null || try(var.credentials.endpoint == null || can(regex("^https?://[^\\s]+$", var.credentials.endpoint)), false)
    error_message = "Expected `credentials.endpoint` to be null or an http(s) URL."
  }
}

variable "credentials_version" {
  description = "Version of the `credentials` value, 1 up (default 1): Terraform cannot see a write-only value change, so increase this to write new keys into the created parameter."
  type        = number
  default     = 1

  validation {
    condition     = var.credentials_version >= 1 && floor(var.credentials_version) == var.credentials_version
    error_message = "Expected `credentials_version` to be a whole number from 1 up."
  }
}

variable "credentials_kms_key_id" {
  description = "KMS key (ID, ARN or alias) encrypting a created credentials parameter; null (default) uses `alias/aws/ssm`."
  type        = string
  default     = null
}
