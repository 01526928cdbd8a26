# The monitoring module alone: every alarm notifies the topic, the dashboard covers the metrics,
# the topic is encrypted with a key the alarms may use and takes nothing without TLS.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name                    = "t"
  worker_function_name    = "t-worker"
  jobsender_function_name = "t-jobsender"
  queue_name              = "t-jobs"
  dlq_name                = "t-jobs-dlq"
  alarm_email             = "ops@example.com"
}

run "alarms_wired_to_topic" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition = alltrue([for a in [
      aws_cloudwatch_metric_alarm.dlq_not_empty[0],
      aws_cloudwatch_metric_alarm.worker_errors[0],
      aws_cloudwatch_metric_alarm.worker_throttles[0],
      aws_cloudwatch_metric_alarm.queue_oldest_message_age[0],
      aws_cloudwatch_metric_alarm.jobsender_errors[0],
      aws_cloudwatch_metric_alarm.continuations_stalled[0],
    ] : a.alarm_actions == toset([aws_sns_topic.this[0].arn]) && a.ok_actions == toset([aws_sns_topic.this[0].arn])])
    error_message = "Every alarm must notify the topic on alarm and on recovery."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].dimensions.QueueName == "t-jobs-dlq" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].threshold == 0 &&
      aws_cloudwatch_metric_alarm.dlq_not_empty[0].comparison_operator == "GreaterThanThreshold"
    )
    error_message = "The DLQ alarm must fire on any visible message in the DLQ."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.worker_throttles[0].threshold == 0 && aws_cloudwatch_metric_alarm.worker_errors[0].threshold == 5
    error_message = "Throttles alarm on any throttle; errors above the threshold."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.continuations_stalled[0].metric_name == "StalledContinuations" &&
      aws_cloudwatch_metric_alarm.continuations_stalled[0].namespace == var.metrics_namespace &&
      aws_cloudwatch_metric_alarm.continuations_stalled[0].dimensions.service == var.worker_service_name &&
      aws_cloudwatch_metric_alarm.continuations_stalled[0].threshold == 0
    )
    error_message = "Any stalled continuation must alarm, on the worker's own metric."
  }

  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "ops@example.com"
    error_message = "The alarm email must be subscribed."
  }

  assert {
    condition = alltrue([for m in ["BytesRead", "BytesWritten", "BytesCompleted", "ObjectsDone", "ObjectsFailed", "ObjectsSkipped", "MessagesRefused", "DuplicateDeliveries", "StaleEvents", "LeasesLost", "PartsResumed", "Continuations", "TransferDuration", "ObjectsQueued", "ConcurrentExecutions", "Throttles", "ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesNotVisible"] :
      strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "\"${m}\"")
    ])
    error_message = "The dashboard must graph every EMF, Lambda and SQS metric."
  }

  assert {
    condition = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets :
      w.properties.region == "us-east-1" if w.type == "metric"
    ])
    error_message = "Every metric widget needs a region."
  }
}

run "topic_encrypted_by_default" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = length(aws_kms_key.sns) == 1 && aws_sns_topic.this[0].kms_master_key_id == aws_kms_key.sns[0].arn && aws_kms_key.sns[0].enable_key_rotation
    error_message = "Without a key given, the topic must be encrypted with a created, rotated customer managed key."
  }

  # alias/aws/sns cannot be used by CloudWatch: the created key's policy lets exactly our alarms.
  assert {
    condition = anytrue([for st in jsondecode(aws_kms_key.sns[0].policy).Statement :
      st.Principal == { Service = "cloudwatch.amazonaws.com" } && toset(st.Action) == toset(["kms:Decrypt", "kms:GenerateDataKey*"]) && st.Condition == {
        StringEquals            = { "aws:SourceAccount" = "111122223333" }
        ArnLike                 = { "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:t-*" }
      } if st.Sid == "AllowCloudWatchAlarms"
    ])
    error_message = "The key must let CloudWatch alarms of this module (and account) use it."
  }

  assert {
    condition = anytrue([for st in jsondecode(aws_kms_key.sns[0].policy).Statement :
      st.Principal == { AWS = "arn:aws:iam::111122223333:root" } && st.Action == "kms:*" if st.Sid == "EnableIamPolicies"
    ])
    error_message = "The key policy must keep the account's IAM in charge (no lock-out)."
  }

  assert {
    condition = anytrue([for st in jsondecode(aws_sns_topic_policy.this[0].policy).Statement :
      st.Effect == "Allow" && st.Principal == { Service = "cloudwatch.amazonaws.com" } && st.Action == "sns:Publish" && st.Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:us-east-1:111122223333:alarm:t-*"
      if st.Sid == "AllowCloudWatchAlarms"
    ])
    error_message = "The topic policy must let this module's alarms publish."
  }

  assert {
    condition = anytrue([for st in jsondecode(aws_sns_topic_policy.this[0].policy).Statement :
      st.Effect == "Deny" && st.Principal == "*" && st.Action == "sns:Publish" && st.Condition == { Bool = { "aws:SecureTransport" = "false" } }
      if st.Sid == "DenyInsecureTransport"
    ])
    error_message = "The topic must refuse publishing without TLS."
  }

  assert {
    condition     = alltrue([for a in [aws_cloudwatch_metric_alarm.dlq_not_empty[0], aws_cloudwatch_metric_alarm.worker_errors[0], aws_cloudwatch_metric_alarm.jobsender_errors[0]] : startswith(a.alarm_name, "t-")])
    error_message = "The alarms must match the name pattern the key and topic policies allow."
  }
}

run "unencrypted_topic_on_request" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    create_sns_kms_key = false
  }

  assert {
    condition     = length(aws_kms_key.sns) == 0 && aws_sns_topic.this[0].kms_master_key_id == null
    error_message = "create_sns_kms_key = false without a key must leave the topic unencrypted."
  }
}

run "aws_managed_sns_key_is_refused" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    sns_kms_master_key_id = "alias/aws/sns"
  }

  expect_failures = [var.sns_kms_master_key_id]
}

run "encrypted_topic" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    sns_kms_master_key_id = "arn:aws:kms:us-east-1:111122223333:key/topic"
  }

  assert {
    condition     = aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:us-east-1:111122223333:key/topic" && length(aws_kms_key.sns) == 0
    error_message = "The topic must use the given key, and no key be created."
  }
}

run "no_jobsender" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    jobsender_function_name = null
    alarm_email             = null
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.jobsender_errors) == 0 && length(aws_sns_topic_subscription.email) == 0
    error_message = "No jobsender alarm without a jobsender, no subscription without an email."
  }

  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, "ObjectsQueued")
    error_message = "No jobsender graphs without a jobsender."
  }
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    create = false
  }

  assert {
    condition = (
      length(aws_sns_topic.this) + length(aws_sns_topic_subscription.email) + length(aws_cloudwatch_dashboard.this) +
      length(aws_cloudwatch_metric_alarm.dlq_not_empty) + length(aws_cloudwatch_metric_alarm.worker_errors) +
      length(aws_cloudwatch_metric_alarm.worker_throttles) + length(aws_cloudwatch_metric_alarm.queue_oldest_message_age) +
      length(aws_cloudwatch_metric_alarm.jobsender_errors) + length(aws_kms_key.sns) + length(aws_kms_alias.sns) + length(aws_sns_topic_policy.this) == 0
    )
    error_message = "create = false must create nothing."
  }
}
