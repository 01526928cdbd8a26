output "jobsender_function_name" {
  description = "Name of the jobsender (invoke it to start at once instead of waiting for the hour)."
  value       = module.s3_migrate.jobsender_function_name
}

output "worker_role_arn" {
  description = "Role that reads the source bucket, in its own region."
  value       = module.s3_migrate.worker_role_arn
}

output "credentials_parameter_name" {
  description = "SecureString the functions read the China account's key from."
  value       = module.s3_migrate.credentials_parameter_name
}

output "credentials_policy_json" {
  description = "IAM policy to attach, in the China account, to the user whose access key is in the credentials SecureString."
  value       = module.s3_migrate.credentials_policy_json
}
