output "job_queue_url" {
  description = "URL of the job queue."
  value       = module.s3_migrate.job_queue_url
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.s3_migrate.dlq_url
}

output "ledger_table_name" {
  description = "Name of the ledger table."
  value       = module.s3_migrate.ledger_table_name
}

output "jobsender_function_name" {
  description = "Name of the jobsender (invoke it to start at once instead of waiting for the hour)."
  value       = module.s3_migrate.jobsender_function_name
}

output "worker_function_name" {
  description = "Name of the worker."
  value       = module.s3_migrate.worker_function_name
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.s3_migrate.dashboard_name
}

output "nat_public_ip" {
  description = "Elastic IP the China side sees (allow it in bucket policies if they filter on aws:SourceIp)."
  value       = module.s3_migrate.nat_public_ip
}

output "credentials_policy_json" {
  description = "IAM policy to attach, in the China account, to the user whose access key is in the credentials SecureString."
  value       = module.s3_migrate.credentials_policy_json
}

output "operator_policy_json" {
  description = "IAM policy for the operators of `s3-migrate status` and `redrive`."
  value       = module.s3_migrate.operator_policy_json
}
