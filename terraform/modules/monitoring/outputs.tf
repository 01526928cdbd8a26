################################################################################
# Notifications
################################################################################

output "sns_topic_arn" {
  description = "ARN of the topic the alarms notify (created here or given), or null."
  value       = local.topic_arn
}

output "sns_kms_key_arn" {
  description = "ARN of the key encrypting the created topic when this module created it, or null."
  value       = try(aws_kms_key.sns[0].arn, null)
}

output "sns_topic_policy_json" {
  description = "Policy of the created topic (alarms may publish, TLS only), or null."
  value       = try(aws_sns_topic_policy.this[0].policy, null)
}

################################################################################
# Dashboard
################################################################################

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "dashboard_arn" {
  description = "ARN of the CloudWatch dashboard."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_arn, null)
}

################################################################################
# Alarms
################################################################################

output "alarm_arns" {
  description = "ARNs of the alarms, by purpose."
  value = {
    for k, v in {
      dlq_not_empty            = try(aws_cloudwatch_metric_alarm.dlq_not_empty[0].arn, null)
      worker_errors            = try(aws_cloudwatch_metric_alarm.worker_errors[0].arn, null)
      worker_throttles         = try(aws_cloudwatch_metric_alarm.worker_throttles[0].arn, null)
      queue_oldest_message_age = try(aws_cloudwatch_metric_alarm.queue_oldest_message_age[0].arn, null)
      jobsender_errors         = try(aws_cloudwatch_metric_alarm.jobsender_errors[0].arn, null)
      continuations_stalled    = try(aws_cloudwatch_metric_alarm.continuations_stalled[0].arn, null)
    } : k => v if v != null
  }
}

output "alarm_names" {
  description = "Names of the alarms."
  value = concat(
    aws_cloudwatch_metric_alarm.dlq_not_empty[*].alarm_name,
    aws_cloudwatch_metric_alarm.worker_errors[*].alarm_name,
    aws_cloudwatch_metric_alarm.worker_throttles[*].alarm_name,
    aws_cloudwatch_metric_alarm.queue_oldest_message_age[*].alarm_name,
    aws_cloudwatch_metric_alarm.jobsender_errors[*].alarm_name,
    aws_cloudwatch_metric_alarm.continuations_stalled[*].alarm_name,
  )
}
