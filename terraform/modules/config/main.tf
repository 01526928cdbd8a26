data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  max_value_length = var.tier == "Standard" ? 4096 : 8192

  # Optional fields the pair leaves unset are left out: the parameter reads as a person writes it.
  bucket_pairs_value = jsonencode([for p in var.bucket_pairs : { for field, value in p : field => value if value != null }])
  ignore_list_value = join("\n", concat(
    ["# s3-migrate ignore list: one glob of bucket/key per line; lines starting with # are comments."],
    var.ignore_list,
  ))

  credentials_is_arn = startswith(var.credentials_parameter_name, "arn:")
  credentials_parameter_arn = local.credentials_is_arn ? var.credentials_parameter_name : format(
    "arn:%s:ssm:%s:%s:parameter/%s",
    data.aws_partition.current.partition,
    data.aws_region.current.name,
    data.aws_caller_identity.current.account_id,
    trimprefix(var.credentials_parameter_name, "/"),
  )
}

################################################################################
# Bucket pairs
################################################################################

resource "aws_ssm_parameter" "bucket_pairs" {
  count = var.create ? 1 : 0

  name        = var.bucket_pairs_parameter_name
  description = "s3-migrate bucket pairs: JSON list of {src_bucket, src_prefix, des_bucket, des_prefix, src_region?, des_region?, src_owner?, des_owner?}."
  type        = "String"
  tier        = var.tier
  value       = local.bucket_pairs_value

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.bucket_pairs_value) <= local.max_value_length
      error_message = "The bucket pairs JSON is ${length(local.bucket_pairs_value)} characters, over the ${local.max_value_length} allowed by the `${var.tier}` tier: use `tier = \"Advanced\"` or fewer pairs."
    }
  }
}

################################################################################
# Ignore list
################################################################################

resource "aws_ssm_parameter" "ignore_list" {
  count = var.create ? 1 : 0

  name        = var.ignore_list_parameter_name
  description = "s3-migrate ignore list: one glob of bucket/key per line; lines starting with # are comments."
  type        = "String"
  tier        = var.tier
  value       = local.ignore_list_value

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.ignore_list_value) <= local.max_value_length
      error_message = "The ignore list is ${length(local.ignore_list_value)} characters, over the ${local.max_value_length} allowed by the `${var.tier}` tier: use `tier = \"Advanced\"` or broader globs."
    }
  }
}

################################################################################
# Credentials
################################################################################

# Optional: the recommended path is a SecureString created out of band. When Terraform creates
# it, the value goes through the write-only `value_wo` from an ephemeral variable, so that the
# access key reaches neither the plan nor the state; `value_wo_version` tells Terraform when to
# write it again.
resource "aws_ssm_parameter" "credentials" {
  count = var.create_credentials_parameter ? 1 : 0

  name             = var.credentials_parameter_name
  description      = "s3-migrate credentials of the other account: {aws_access_key_id, aws_secret_access_key, region, endpoint?}."
  type             = "SecureString"
  key_id           = var.credentials_kms_key_id
  value_wo         = var.credentials == null ? null : jsonencode({ for k, v in var.credentials : k => v if v != null })
  value_wo_version = var.credentials_version

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.credentials != null && !local.credentials_is_arn
      error_message = "Expected `credentials` to be set and `credentials_parameter_name` to be a name, not an ARN, when `create_credentials_parameter` is true."
    }
  }
}
