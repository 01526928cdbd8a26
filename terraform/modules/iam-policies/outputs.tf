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
  description = "Least-privilege policy document for the other account's access key (the credentials SecureString): its side of every pair, in `other_partition`; null without bucket pairs, and with `server_side_copy` (no key is used). Attach it there as a customer managed policy."
  value       = length(local.credentials_statements) > 0 ? jsonencode({ Version = "2012-10-17", Statement = local.credentials_statements }) : null
}

output "bucket_policies_json" {
  description = "With `server_side_copy` and `worker_role_arn`: by bucket name, the bucket policy that lets the roles into a bucket of another account (the same grants as the roles' own policies; a bucket of this account needs none). Empty otherwise."
  value       = var.server_side_copy && var.worker_role_arn != null ? { for b, statements in local.bucket_policy_statements : b => jsonencode({ Version = "2012-10-17", Statement = statements }) } : {}
}

output "operator_policy_json" {
  description = "Policy document an operator needs for `s3-migrate status` (ledger by status, queue depths) and `s3-migrate redrive` (DLQ back to the job queue)."
  value       = jsonencode({ Version = "2012-10-17", Statement = local.operator_statements })
}

################################################################################
# Scope
################################################################################

output "role_side" {
  description = "Which sides of the pairs the role reaches: `source` (direction PUT), `destination` (GET) or `both` (`server_side_copy`)."
  value       = length(local.role_sides) == 2 ? "both" : local.role_sides[0]
}

output "role_bucket_arns" {
  description = "Bucket ARNs the role may list."
  value       = flatten([for side in local.role_sides : local.bucket_arns[side]])
}

output "role_object_arns" {
  description = "Object ARNs (bucket/prefix*) the role may read (the sources: PUT, server-side copy) or write (the destinations: GET, server-side copy)."
  value       = flatten([for side in local.role_sides : local.object_arns[side]])
}

output "credentials_bucket_arns" {
  description = "Bucket ARNs, in `other_partition`, the credentials' key may list; none with `server_side_copy`."
  value       = flatten([for side in local.other_sides : local.bucket_arns[side]])
}

output "credentials_object_arns" {
  description = "Object ARNs (bucket/prefix*), in `other_partition`, the credentials' key may write (PUT) or read (GET); none with `server_side_copy`."
  value       = flatten([for side in local.other_sides : local.object_arns[side]])
}

output "other_partition" {
  description = "Partition of the other side, used in `credentials_policy_json` (this partition with `server_side_copy`)."
  value       = local.other_partition
}
