################################################################################
# Queue
################################################################################

output "job_queue_url" {
  description = "URL of the job queue."
  value       = module.queue.queue_url
}

output "job_queue_arn" {
  description = "ARN of the job queue."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.queue.dlq_url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.queue.dlq_arn
}

output "job_queue_policy_json" {
  description = "Policy of the job queue: who may send (the functions, `queue_sender_principal_arns`), TLS only."
  value       = module.queue.queue_policy_json
}

output "event_queue_url" {
  description = "URL of the event queue that takes the event bucket's S3 notifications (null without `enable_bucket_events`)."
  value       = module.queue.event_queue_url
}

output "event_queue_policy_json" {
  description = "Policy of the event queue: S3, for the event bucket of its account, and no one else; TLS only (null without `enable_bucket_events`)."
  value       = module.queue.event_queue_policy_json
}

output "dlq_policy_json" {
  description = "Policy of the dead-letter queue: who may send (the worker, `queue_sender_principal_arns`), TLS only."
  value       = module.queue.dlq_policy_json
}

################################################################################
# Ledger
################################################################################

output "ledger_table_name" {
  description = "Name of the ledger table."
  value       = module.ledger.table_name
}

output "ledger_table_arn" {
  description = "ARN of the ledger table."
  value       = module.ledger.table_arn
}

################################################################################
# Configuration parameters
################################################################################

output "bucket_pairs_parameter_name" {
  description = "Name of the SSM parameter holding the bucket pairs."
  value       = module.config.bucket_pairs_parameter_name
}

output "ignore_list_parameter_name" {
  description = "Name of the SSM parameter holding the ignore list."
  value       = module.config.ignore_list_parameter_name
}

output "credentials_parameter_name" {
  description = "Name (or ARN) of the credentials SecureString the functions read (none with `server_side_copy`)."
  value       = var.server_side_copy ? null : module.config.credentials_parameter_name
}

################################################################################
# IAM for the people and the other account
################################################################################

output "credentials_policy_json" {
  description = "Least-privilege IAM policy for the other account's access key (the one in the credentials SecureString), from the same bucket pairs, in `other_partition`: attach it there as a customer managed policy. Null with `server_side_copy`, which uses no key."
  value       = module.iam_policies.credentials_policy_json
}

output "bucket_policies_json" {
  description = "With `server_side_copy`: by bucket name, the bucket policy that lets the functions' roles into a bucket owned by another account (the same grants as the roles' own policies); apply it there. A bucket of this account needs none. Empty without `server_side_copy`."
  value       = module.iam_policies.bucket_policies_json
}

output "worker_policy_json" {
  description = "The worker role's migration policy, as attached (for review: it names every bucket, prefix and owner the role may touch)."
  value       = module.iam_policies.worker_policy_json
}

output "jobsender_policy_json" {
  description = "The jobsender role's migration policy, as attached, or null without a jobsender."
  value       = var.create_jobsender ? module.iam_policies.jobsender_policy_json : null
}

output "operator_policy_json" {
  description = "IAM policy an operator needs for `s3-migrate status`, `redrive` and `send` (which signs with the message key; add the operator to `queue_sender_principal_arns` too, or the queue policy refuses the redrive and the send)."
  value       = module.iam_policies.operator_policy_json
}

output "other_partition" {
  description = "Partition of the other account, as used in `credentials_policy_json`."
  value       = module.iam_policies.other_partition
}

################################################################################
# Worker
################################################################################

output "worker_function_name" {
  description = "Name of the worker function."
  value       = module.worker.function_name
}

output "worker_function_arn" {
  description = "ARN of the worker function."
  value       = module.worker.function_arn
}

output "worker_role_arn" {
  description = "ARN of the worker's execution role (grant it in source bucket policies across accounts)."
  value       = module.worker.role_arn
}

output "worker_log_group_name" {
  description = "Log group of the worker."
  value       = module.worker.log_group_name
}

output "worker_environment" {
  description = "Environment variables of the worker: the configuration contract with its code."
  value       = local.worker_environment
}

output "event_source_mapping_uuid" {
  description = "UUID of the queue-to-worker event source mapping."
  value       = aws_lambda_event_source_mapping.worker.uuid
}

output "event_queue_mapping_uuid" {
  description = "UUID of the event-queue-to-worker event source mapping (null without `enable_bucket_events`)."
  value       = try(aws_lambda_event_source_mapping.worker_events[0].uuid, null)
}

################################################################################
# Jobsender
################################################################################

output "jobsender_function_name" {
  description = "Name of the jobsender function, or null without one."
  value       = module.jobsender.function_name
}

output "jobsender_function_arn" {
  description = "ARN of the jobsender function, or null without one."
  value       = module.jobsender.function_arn
}

output "jobsender_role_arn" {
  description = "ARN of the jobsender's execution role, or null without one."
  value       = module.jobsender.role_arn
}

output "jobsender_log_group_name" {
  description = "Log group of the jobsender, or null without one."
  value       = module.jobsender.log_group_name
}

output "jobsender_environment" {
  description = "Environment variables of the jobsender: the configuration contract with its code."
  value       = var.create_jobsender ? local.jobsender_environment : null
}

output "jobsender_schedule_rule_name" {
  description = "Name of the EventBridge rule running the jobsender, or null without one."
  value       = try(aws_cloudwatch_event_rule.jobsender[0].name, null)
}

################################################################################
# Monitoring
################################################################################

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "sns_topic_arn" {
  description = "ARN of the alarm topic."
  value       = module.monitoring.sns_topic_arn
}

output "sns_kms_key_arn" {
  description = "ARN of the key created for the alarm topic, or null (a key of yours, or no encryption)."
  value       = module.monitoring.sns_kms_key_arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms."
  value       = module.monitoring.alarm_names
}

################################################################################
# S3 event trigger
################################################################################

output "bucket_events_queue_configuration" {
  description = "With `enable_bucket_events`: this deployment's queue block of the event bucket's notification (`id`, `queue_arn`, `events`, `filter_prefix`, `filter_suffix`), for one `aws_s3_bucket_notification` of your own that several deployments share (`bucket_events_manage_notification = false`); null without bucket events."
  value       = try(module.bucket_events[0].queue_configuration, null)
}

################################################################################
# Names
################################################################################

output "resource_names" {
  description = "Every name this deployment claims, by kind (parameters, queues, ledger table, functions, roles, log groups, schedule rule, dashboard, alarms, alarm topic, metrics namespace and service names): all derive from `name_prefix`, the account-wide ones (roles, dashboard) with the region, so that two deployments in one account share none."
  value = {
    parameters        = compact([module.config.bucket_pairs_parameter_name, module.config.ignore_list_parameter_name, var.server_side_copy ? null : local.credentials_parameter])
    queues            = [module.queue.queue_name, module.queue.dlq_name]
    ledger_table      = [module.ledger.table_name]
    functions         = compact([module.worker.function_name, module.jobsender.function_name])
    roles             = compact([module.worker.role_name, module.jobsender.role_name, var.enable_nat_instance ? local.iam_names.nat : null])
    log_groups        = compact([module.worker.log_group_name, module.jobsender.log_group_name])
    schedule_rule     = compact([try(aws_cloudwatch_event_rule.jobsender[0].name, null)])
    dashboard         = compact([module.monitoring.dashboard_name])
    alarms            = module.monitoring.alarm_names
    alarm_topic       = var.create_monitoring ? ["${var.name_prefix}-alarms"] : []
    metrics_namespace = [local.metrics_namespace]
    service_names     = [local.worker_service_name, local.jobsender_service_name]
  }
}

################################################################################
# Network
################################################################################

output "vpc_id" {
  description = "ID of the VPC created with `enable_nat_instance`, or null."
  value       = try(module.nat_instance[0].vpc_id, null)
}

output "private_subnet_ids" {
  description = "Private subnets of the functions with `enable_nat_instance`, or an empty list."
  value       = try(module.nat_instance[0].private_subnet_ids, [])
}

output "nat_public_ip" {
  description = "Elastic IP the other side sees with `enable_nat_instance`, or null."
  value       = try(module.nat_instance[0].nat_public_ip, null)
}

output "message_key_arn" {
  description = "ARN of the KMS HMAC key that signs the job queue's messages: `s3-migrate send --message-key` (or MESSAGE_KEY_ID) and a cluster-mode worker's MESSAGE_KEY_ID."
  value       = local.message_key_arn
}
