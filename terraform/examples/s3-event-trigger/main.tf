provider "aws" {
  region = var.region
}

################################################################################
# s3-migrate: new objects of an existing bucket are copied as they arrive
################################################################################

module "s3_migrate" {
  source = "../../"

  name_prefix = var.name_prefix

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  # S3 event notifications are the trigger; no scheduled comparison.
  enable_bucket_events        = true
  bucket_events_source_bucket = var.source_bucket
  bucket_events_filter_prefix = var.source_prefix
  default_dest_bucket         = var.destination_bucket
  default_dest_prefix         = var.destination_prefix
  propagate_deletes           = var.propagate_deletes
  create_jobsender            = false

  # Objects raise events as soon as they are written: use the version the event names.
  get_object_with_version_id = var.source_bucket_versioned

  credentials_parameter_name = var.credentials_parameter_name
  alarm_email                = var.alarm_email
}
