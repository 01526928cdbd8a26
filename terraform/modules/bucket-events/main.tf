locals {
  events = concat(["s3:ObjectCreated:*"], var.include_object_removed ? ["s3:ObjectRemoved:*"] : [])

  # What one `queue` block of the bucket's notification holds: this resource's, or one of many in
  # a notification the caller owns (create = false).
  queue_configuration = {
    id            = var.id
    queue_arn     = var.queue_arn
    events        = tolist(local.events)
    filter_prefix = var.filter_prefix != "" ? var.filter_prefix : null
    filter_suffix = var.filter_suffix != "" ? var.filter_suffix : null
  }
}

################################################################################
# Notification
################################################################################

# S3 checks the queue policy by sending an `s3:TestEvent` when this is applied (the worker
# skips it). The resource owns the bucket's entire notification configuration: it replaces what
# the bucket had, and a second owner of the same bucket would replace this.
resource "aws_s3_bucket_notification" "this" {
  count = var.create ? 1 : 0

  bucket = var.bucket

  queue {
    id            = local.queue_configuration.id
    queue_arn     = local.queue_configuration.queue_arn
    events        = local.queue_configuration.events
    filter_prefix = local.queue_configuration.filter_prefix
    filter_suffix = local.queue_configuration.filter_suffix
  }
}
