provider "aws" {
  region = var.region
}

################################################################################
# s3-migrate: AWS Global region to AWS China, through a NAT instance with TCP BBR
################################################################################

module "s3_migrate" {
  source = "../../"

  name_prefix = var.name_prefix

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  # What to copy. The role of this account reads the sources (direction PUT); the access key
  # in the SecureString writes the destinations in the China account.
  bucket_pairs               = var.bucket_pairs
  ignore_list                = var.ignore_list
  direction                  = "PUT"
  credentials_parameter_name = var.credentials_parameter_name
  credentials_kms_key_arn    = var.credentials_kms_key_arn

  # How to copy.
  storage_class = var.storage_class
  sse           = "AES256"
  copy_tags     = true

  # Integrity when source objects may be replaced during a transfer (versioned sources).
  update_version_id          = var.sources_versioned
  get_object_with_version_id = var.sources_versioned

  # Capacity: 1769 MB is one full vCPU; 200 workers at most.
  worker_memory_size         = 1769
  worker_maximum_concurrency = var.worker_maximum_concurrency
  jobsender_schedule         = "rate(1 hour)"

  # A fixed egress IP and BBR for the long cross-border path.
  enable_nat_instance = true
  nat_instance_type   = var.nat_instance_type
  nat_architecture    = "arm64"

  # Who else may send to the queues (s3-migrate send / redrive, cluster-mode workers).
  queue_sender_principal_arns = var.operator_role_arns

  # Operations.
  alarm_email                = var.alarm_email
  log_retention_in_days      = 90
  ledger_deletion_protection = var.ledger_deletion_protection

  tags = var.tags
}
