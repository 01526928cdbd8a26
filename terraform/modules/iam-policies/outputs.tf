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

output "credentials_policy_json" {
  description = "Least-privilege policy document for the other account's access key (the credentials SecureString): its side of every pair, in `other_partition`; null without bucket pairs. Attach it there as a customer managed policy."
  value       = length(local.credentials_statements) > 0 ? jsonencode({ Version = "2012-10-17", Statement = local.credentials_statements }) : null
}

output "operator_policy_json" {
  description = "Policy document an operator needs for `s3-migrate status` (ledger by status, queue depths) and `s3-migrate redrive` (DLQ back to the job queue)."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.operator_statements })
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
  value       = local.bucket_arns[local.role_side]
}

output "role_object_arns" {
  description = "Object ARNs (bucket/prefix*) the role may read (PUT) or write (GET)."
  value       = local.object_arns[local.role_side]
}

output "credentials_bucket_arns" {
  description = "Bucket ARNs, in `other_partition`, the credentials' key may list."
  value       = local.bucket_arns[local.other_side]
}

output "credentials_object_arns" {
  description = "Object ARNs (bucket/prefix*), in `other_partition`, the credentials' key may write (PUT) or read (GET)."
  value       = local.object_arns[local.other_side]
}

output "other_partition" {
  description = "Partition of the other side, used in `credentials_policy_json`."
  value       = local.other_partition
}
