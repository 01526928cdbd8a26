provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

################################################################################
# s3-migrate: functions in one region, the source bucket in another, the destination in China
################################################################################

module "s3_migrate" {
  source = "../../"

  name_prefix = var.name_prefix

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  # Each side's region given, so the functions send every request straight there (left out, they
  # find it with one HeadBucket per bucket and cold start). Each bucket bound to its owner: a
  # bucket of that name in any other account gets no request and no grant.
  bucket_pairs = [{
    src_bucket = var.source_bucket
    src_prefix = var.source_prefix
    src_region = var.source_region
    src_owner  = coalesce(var.source_owner, data.aws_caller_identity.current.account_id)
    des_bucket = var.destination_bucket
    des_prefix = var.destination_prefix
    des_region = var.destination_region
    des_owner  = var.destination_owner
  }]

  # The role reads the source (any region of this partition); the stored key of the China account
  # writes the destination, in its region whatever region the key names.
  direction                  = "PUT"
  credentials_parameter_name = var.credentials_parameter_name

  alarm_email = var.alarm_email
}
