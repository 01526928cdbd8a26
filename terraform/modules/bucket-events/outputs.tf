################################################################################
# Notification
################################################################################

output "bucket" {
  description = "Bucket whose events are sent to the queue."
  value       = try(aws_s3_bucket_notification.this[0].bucket, null)
}

output "events" {
  description = "Event types sent to the queue."
  value       = try(aws_s3_bucket_notification.this[0].queue[0].events, [])
}

output "queue_configuration" {
  description = "The notification's queue configuration (`id`, `queue_arn`, `events`, `filter_prefix`, `filter_suffix`; null filters for none), created or not: with `create = false`, put it as one `queue` block into the bucket's single `aws_s3_bucket_notification` of your own."
  value       = local.queue_configuration
}
