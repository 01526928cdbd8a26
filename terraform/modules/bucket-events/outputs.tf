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
