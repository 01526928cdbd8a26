################################################################################
# Bucket pairs
################################################################################

output "bucket_pairs_parameter_name" {
  description = "Name of the bucket-pairs parameter."
  value       = try(aws_ssm_parameter.bucket_pairs[0].name, null)
}

output "bucket_pairs_parameter_arn" {
  description = "ARN of the bucket-pairs parameter."
  value       = try(aws_ssm_parameter.bucket_pairs[0].arn, null)
}

################################################################################
# Ignore list
################################################################################

output "ignore_list_parameter_name" {
  description = "Name of the ignore-list parameter."
  value       = try(aws_ssm_parameter.ignore_list[0].name, null)
}

output "ignore_list_parameter_arn" {
  description = "ARN of the ignore-list parameter."
  value       = try(aws_ssm_parameter.ignore_list[0].arn, null)
}

################################################################################
# Credentials
################################################################################

output "credentials_parameter_name" {
  description = "Name (or ARN, as given) of the credentials SecureString, as the functions must pass it to GetParameter."
  value       = try(aws_ssm_parameter.credentials[0].name, var.credentials_parameter_name)
}

output "credentials_parameter_arn" {
  description = "ARN of the credentials SecureString, created here or not."
  value       = try(aws_ssm_parameter.credentials[0].arn, local.credentials_parameter_arn)
}

################################################################################
# All parameters
################################################################################

output "parameter_arns" {
  description = "ARNs of every parameter the functions read, for `ssm:GetParameter` grants."
  value = compact([
    try(aws_ssm_parameter.bucket_pairs[0].arn, null),
    try(aws_ssm_parameter.ignore_list[0].arn, null),
    try(aws_ssm_parameter.credentials[0].arn, local.credentials_parameter_arn),
  ])
}
