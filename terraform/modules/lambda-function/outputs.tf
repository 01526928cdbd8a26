################################################################################
# Function
################################################################################

output "function_name" {
  description = "Name of the function."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "ARN of the function (unqualified)."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "function_invoke_arn" {
  description = "Invoke ARN of the function, for API Gateway."
  value       = try(aws_lambda_function.this[0].invoke_arn, null)
}

output "function_qualified_arn" {
  description = "ARN of the function with its latest published version."
  value       = try(aws_lambda_function.this[0].qualified_arn, null)
}

output "function_timeout" {
  description = "Timeout of the function, in seconds."
  value       = try(aws_lambda_function.this[0].timeout, null)
}

output "environment_variables" {
  description = "Environment variables of the function."
  value       = try(aws_lambda_function.this[0].environment[0].variables, {})
}

################################################################################
# IAM role
################################################################################

output "role_name" {
  description = "Name of the execution role."
  value       = try(aws_iam_role.this[0].name, null)
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = try(aws_iam_role.this[0].arn, null)
}

################################################################################
# Log group
################################################################################

output "log_group_name" {
  description = "Name of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}
