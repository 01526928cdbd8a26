output "to_china_credentials_parameter_name" {
  description = "SecureString of the China key that writes the China bucket (create it before applying)."
  value       = module.to_china.credentials_parameter_name
}

output "from_china_credentials_parameter_name" {
  description = "SecureString of the China key that reads the China bucket (create it before applying)."
  value       = module.from_china.credentials_parameter_name
}

output "to_china_credentials_policy_json" {
  description = "IAM policy, in the China account, of the key that writes the China bucket."
  value       = module.to_china.credentials_policy_json
}

output "from_china_credentials_policy_json" {
  description = "IAM policy, in the China account, of the key that reads the China bucket."
  value       = module.from_china.credentials_policy_json
}

output "jobsender_function_names" {
  description = "The two jobsenders, by direction (invoke one to start it at once)."
  value       = { to_china = module.to_china.jobsender_function_name, from_china = module.from_china.jobsender_function_name }
}

output "resource_names" {
  description = "Every name each deployment claims, by direction: they share none."
  value       = { to_china = module.to_china.resource_names, from_china = module.from_china.resource_names }
}
