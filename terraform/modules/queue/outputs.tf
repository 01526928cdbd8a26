################################################################################
# Message authentication key
################################################################################

output "message_key_arn" {
  description = "ARN of the KMS HMAC key that signs and checks the job queue's messages (null when not created)."
  value       = try(aws_kms_key.messages[0].arn, null)
}

################################################################################
# Job queue
################################################################################

output "queue_id" {
  description = "URL of the job queue (the provider's ID of a queue is its URL)."
  value       = try(aws_sqs_queue.this[0].id, null)
}

output "queue_url" {
  description = "URL of the job queue."
  value       = try(aws_sqs_queue.this[0].url, null)
}

output "queue_arn" {
  description = "ARN of the job queue."
  value       = try(aws_sqs_queue.this[0].arn, null)
}

output "queue_name" {
  description = "Name of the job queue."
  value       = try(aws_sqs_queue.this[0].name, null)
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the job queue, in seconds."
  value       = try(aws_sqs_queue.this[0].visibility_timeout_seconds, null)
}

output "max_receive_count" {
  description = "Receives of one message before it moves to the dead-letter queue."
  value       = try(jsondecode(aws_sqs_queue.this[0].redrive_policy).maxReceiveCount, null)
}

################################################################################
# Dead-letter queue
################################################################################

output "dlq_id" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].id, null)
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].url, null)
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].arn, null)
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = try(aws_sqs_queue.dlq[0].name, null)
}

################################################################################
# Event queue
################################################################################

output "event_queue_url" {
  description = "URL of the event queue (S3 event notifications only), or null when it is not created."
  value       = try(aws_sqs_queue.events[0].url, null)
}

output "event_queue_arn" {
  description = "ARN of the event queue, or null when it is not created."
  value       = try(aws_sqs_queue.events[0].arn, null)
}

output "event_queue_name" {
  description = "Name of the event queue, or null when it is not created."
  value       = try(aws_sqs_queue.events[0].name, null)
}

output "event_queue_policy_json" {
  description = "Policy document of the event queue (S3 of the named buckets and accounts only, TLS only), or null."
  value       = try(aws_sqs_queue_policy.events[0].policy, null)
}

################################################################################
# Queue policies
################################################################################

output "queue_policy_id" {
  description = "ID of the job queue's policy, or null when it is not created."
  value       = try(aws_sqs_queue_policy.this[0].id, null)
}

output "queue_policy_json" {
  description = "Policy document of the job queue (who may send, TLS only; never S3)."
  value       = try(aws_sqs_queue_policy.this[0].policy, null)
}

output "dlq_policy_id" {
  description = "ID of the dead-letter queue's policy, or null when it is not created."
  value       = try(aws_sqs_queue_policy.dlq[0].id, null)
}

output "dlq_policy_json" {
  description = "Policy document of the dead-letter queue (who may send, TLS only)."
  value       = try(aws_sqs_queue_policy.dlq[0].policy, null)
}
