# This account runs the functions and owns the source bucket.
provider "aws" {
  region = var.region
}

# The destination bucket's account, reached with a role of its own that may put a bucket policy.
provider "aws" {
  alias  = "destination"
  region = coalesce(var.destination_region, var.region)

  assume_role {
    role_arn = var.destination_admin_role_arn
  }
}

data "aws_caller_identity" "current" {}

################################################################################
# s3-migrate: S3 copies the bytes itself, the functions' role on both sides
################################################################################

module "s3_migrate" {
  source = "../../"

  name_prefix = var.name_prefix

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  # Each bucket bound to its account: this one's, and the account of the role that administers
  # the destination (every request carries ExpectedBucketOwner; the grants, s3:ResourceAccount).
  bucket_pairs = [{
    src_bucket = var.source_bucket
    src_prefix = var.source_prefix
    src_owner  = data.aws_caller_identity.current.account_id
    des_bucket = var.destination_bucket
    des_prefix = var.destination_prefix
    des_region = coalesce(var.destination_region, var.region)
    des_owner  = split(":", var.destination_admin_role_arn)[4]
  }]

  # One partition, one identity: no credentials parameter, no bytes through Lambda.
  server_side_copy = true
}

################################################################################
# The destination account lets the roles in
################################################################################

# The bucket policy s3-migrate needs, laid over the statements the bucket has already (given
# here, so that applying this does not drop them); statements with the same Sid are replaced.
data "aws_iam_policy_document" "destination" {
  source_policy_documents   = compact([var.destination_bucket_policy_json])
  override_policy_documents = [module.s3_migrate.bucket_policies_json[var.destination_bucket]]
}

resource "aws_s3_bucket_policy" "destination" {
  provider = aws.destination

  bucket = var.destination_bucket
  policy = data.aws_iam_policy_document.destination.json
}
