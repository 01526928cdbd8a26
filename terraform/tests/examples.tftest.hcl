# Every example plans (with the mock provider), with the dummy bundle in place of the built ones.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  worker_zip_path    = "../.tmp/dummy.zip"
  jobsender_zip_path = "../.tmp/dummy.zip"
}

run "minimal" {
  command = plan

  module {
    source = "./examples/minimal"
  }

  variables {
    source_bucket      = "global-src"
    destination_bucket = "china-dst"
  }

  assert {
    condition     = output.job_queue_url != null && output.jobsender_function_name == "s3-migrate-jobsender"
    error_message = "The minimal example deploys the queue and both functions."
  }
}

run "s3_event_trigger" {
  command = plan

  module {
    source = "./examples/s3-event-trigger"
  }

  variables {
    source_bucket      = "global-src"
    destination_bucket = "china-dst"
  }

  assert {
    condition     = output.worker_function_name == "s3-migrate-events-worker"
    error_message = "The event example deploys the worker."
  }
}

run "complete" {
  command = plan

  module {
    source = "./examples/complete"
  }

  variables {
    bucket_pairs = [
      { src_bucket = "global-src", src_prefix = "media/", des_bucket = "china-dst", des_prefix = "media/" },
      { src_bucket = "global-logs", src_prefix = "", des_bucket = "china-logs", des_prefix = "global/" },
    ]
    alarm_email = "ops@example.com"
  }

  assert {
    condition     = output.dashboard_name == "s3-migrate"
    error_message = "The complete example deploys the dashboard."
  }
}
