# The bucket-events module alone.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  bucket    = "src-a"
  queue_arn = "arn:aws:sqs:us-east-1:111122223333:t-jobs"
}

run "created_objects" {
  command = plan

  module {
    source = "./modules/bucket-events"
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].queue[0].events == toset(["s3:ObjectCreated:*"]) && aws_s3_bucket_notification.this[0].queue[0].queue_arn == var.queue_arn
    error_message = "New objects must be sent to the queue."
  }
}

run "removed_objects_and_filters" {
  command = plan

  module {
    source = "./modules/bucket-events"
  }

  variables {
    include_object_removed = true
    filter_prefix          = "data/"
    filter_suffix          = ".mp4"
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].queue[0].events == toset(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    error_message = "Deletions must be sent when asked for."
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].queue[0].filter_prefix == "data/" && aws_s3_bucket_notification.this[0].queue[0].filter_suffix == ".mp4"
    error_message = "Filters must be applied."
  }
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/bucket-events"
  }

  variables {
    create = false
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 0
    error_message = "create = false must create nothing."
  }
}

# Two deployments on one bucket: neither owns the notification; each gives its queue block.
run "queue_configuration_for_a_shared_notification" {
  command = plan

  module {
    source = "./modules/bucket-events"
  }

  variables {
    create        = false
    id            = "to-china"
    filter_prefix = "media/"
  }

  assert {
    condition = (
      length(aws_s3_bucket_notification.this) == 0 && output.queue_configuration.id == "to-china" && output.queue_configuration.queue_arn == var.queue_arn &&
      output.queue_configuration.events == tolist(["s3:ObjectCreated:*"]) && output.queue_configuration.filter_prefix == "media/" && output.queue_configuration.filter_suffix == null
    )
    error_message = "Without the notification the module still says what its queue block is: ${jsonencode(output.queue_configuration)}."
  }
}
