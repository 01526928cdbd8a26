output "job_queue_url" {
  description = "URL of the job queue."
  value       = module.s3_migrate.job_queue_url
}

output "jobsender_function_name" {
  description = "Name of the jobsender (invoke it to start at once instead of waiting for the hour)."
  value       = module.s3_migrate.jobsender_function_name
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.s3_migrate.dashboard_name
}

output "credentials_policy_json" {
  description = "IAM policy to attach, in the other account, to the user whose access key is in the credentials SecureString."
  value       = module.s3_migrate.credentials_policy_json
}
