################################################################################
# Documents
################################################################################

output "worker_policy_json" {
  description = "Policy document of the worker: role-side S3 access, job queue consumption, ledger, parameters, KMS."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.worker_statements })
}

output "jobsender_policy_json" {
  description = "Policy document of the jobsender: role-side S3 listing, job queue feeding, ledger, parameters, KMS."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.jobsender_statements })
}

################################################################################
# Scope
################################################################################

output "role_side" {
  description = "Which side of the pairs the role reaches: `source` (direction PUT) or `destination` (GET)."
  value       = local.role_reads_source ? "source" : "destination"
}

output "role_bucket_arns" {
  description = "Bucket ARNs the role may list."
  value       = local.bucket_arns
}

output "role_object_arns" {
  description = "Object ARNs (bucket/prefix*) the role may read (PUT) or write (GET)."
  value       = local.object_arns
}
