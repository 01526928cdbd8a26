provider "aws" {
  region = var.region
}

################################################################################
# s3-migrate: one bucket pair, everything else at its default
################################################################################

module "s3_migrate" {
  source = "../../"

  name_prefix = var.name_prefix

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  bucket_pairs = [{
    src_bucket = var.source_bucket
    src_prefix = var.source_prefix
    des_bucket = var.destination_bucket
    des_prefix = var.destination_prefix
  }]

  credentials_parameter_name = var.credentials_parameter_name
}
