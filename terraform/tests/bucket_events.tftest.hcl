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
