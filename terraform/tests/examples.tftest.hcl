# Every example plans (with the mock provider), with the dummy bundle in place of the built ones.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

# The second account of examples/cross-account-server-side.
mock_provider "aws" {
  alias           = "destination"
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

run "cross_account_server_side" {
  command = plan

  module {
    source = "./examples/cross-account-server-side"
  }

  variables {
    source_bucket                  = "our-src"
    destination_bucket             = "their-dst"
    destination_admin_role_arn     = "arn:aws:iam::444455556666:role/bucket-admin"
    destination_bucket_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Theirs\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::their-dst/*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"
  }

  assert {
    condition     = module.s3_migrate.worker_environment.SERVER_SIDE_COPY == "true" && module.s3_migrate.worker_environment.CREDENTIALS_PARAMETER == ""
    error_message = "The example copies server-side, with no credentials parameter."
  }

  assert {
    condition     = aws_s3_bucket_policy.destination.bucket == "their-dst" && contains(data.aws_iam_policy_document.destination.override_policy_documents, module.s3_migrate.bucket_policies_json["their-dst"]) && contains(data.aws_iam_policy_document.destination.source_policy_documents, var.destination_bucket_policy_json)
    error_message = "The destination bucket gets s3-migrate's statements laid over the ones it had."
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
    condition     = output.dashboard_name == "s3-migrate-us-east-1"
    error_message = "The complete example deploys the dashboard."
  }
}

# Functions in one region, the source bucket in another (given, and bound to this account), the
# destination in China.
run "cross_region" {
  command = plan

  module {
    source = "./examples/cross-region"
  }

  variables {
    source_bucket      = "us-src"
    destination_bucket = "china-dst"
    destination_owner  = "444455556666"
  }

  assert {
    condition = anytrue([for st in jsondecode(module.s3_migrate.worker_policy_json).Statement :
      st.Resource == ["arn:aws:s3:::us-src/*"] && st.Condition.StringEquals["s3:ResourceAccount"] == ["111122223333"] if st.Sid == "ReadSourceObjectsOwnedBy111122223333"
      ]) && anytrue([for st in jsondecode(output.credentials_policy_json).Statement :
      st.Resource == ["arn:aws-cn:s3:::china-dst/*"] && st.Condition.StringEquals["s3:ResourceAccount"] == ["444455556666"] if st.Sid == "WriteDestinationObjectsOwnedBy444455556666"
    ])
    error_message = "Each side's grants are bound to its bucket's owner, in its partition."
  }

  assert {
    condition     = output.credentials_parameter_name == "/s3-migrate/credentials"
    error_message = "The China key's SecureString follows the prefix."
  }
}

# Global -> China PUT and China -> Global GET in one account and region: nothing shared.
run "two_deployments" {
  command = plan

  module {
    source = "./examples/two-deployments"
  }

  variables {
    global_bucket = "global-both"
    china_bucket  = "china-both"
  }

  assert {
    condition = length(setintersection(
      toset(flatten(values(module.to_china.resource_names))),
      toset(flatten(values(module.from_china.resource_names))),
    )) == 0
    error_message = "The two deployments share names: ${jsonencode(output.resource_names)}."
  }

  # Each kind is there in both, so the check above compares something.
  assert {
    condition = alltrue([for kind in ["parameters", "queues", "ledger_table", "functions", "roles", "log_groups", "dashboard", "alarms", "alarm_topic", "metrics_namespace", "service_names"] :
      length(module.to_china.resource_names[kind]) > 0 && length(module.to_china.resource_names[kind]) == length(module.from_china.resource_names[kind])
    ]) && contains(module.to_china.resource_names.parameters, "/s3-migrate-to-china/credentials")
    error_message = "Both deployments claim a name of every kind."
  }

  assert {
    condition     = module.to_china.worker_environment.DIRECTION == "PUT" && module.from_china.worker_environment.DIRECTION == "GET" && strcontains(output.from_china_credentials_policy_json, "arn:aws-cn:s3:::china-both/outgoing/*") && strcontains(output.to_china_credentials_policy_json, "arn:aws-cn:s3:::china-both/from-global/outgoing/*")
    error_message = "One deployment each way, each key with its own side."
  }
}
