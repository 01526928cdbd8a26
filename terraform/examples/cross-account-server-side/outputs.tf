output "job_queue_url" {
  description = "URL of the job queue."
  value       = module.s3_migrate.job_queue_url
}

output "jobsender_function_name" {
  description = "Name of the jobsender (invoke it to start at once instead of waiting for the hour)."
  value       = module.s3_migrate.jobsender_function_name
}

output "worker_role_arn" {
  description = "Role that copies: it reads the source and, through the bucket policy, writes the destination."
  value       = module.s3_migrate.worker_role_arn
}

output "destination_bucket_policy_json" {
  description = "The destination bucket's policy as applied."
  value       = aws_s3_bucket_policy.destination.policy
}
