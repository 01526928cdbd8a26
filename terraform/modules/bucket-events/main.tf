locals {
  events = concat(["s3:ObjectCreated:*"], var.include_object_removed ? ["s3:ObjectRemoved:*"] : [])
}

################################################################################
# Notification
################################################################################

# S3 checks the queue policy by sending an `s3:TestEvent` when this is applied (the worker
# skips it). The resource owns the bucket's entire notification configuration.
resource "aws_s3_bucket_notification" "this" {
  count = var.create ? 1 : 0

  bucket = var.bucket

  queue {
    id            = "s3-migrate"
    queue_arn     = var.queue_arn
    events        = local.events
    filter_prefix = var.filter_prefix != "" ? var.filter_prefix : null
    filter_suffix = var.filter_suffix != "" ? var.filter_suffix : null
  }
}
