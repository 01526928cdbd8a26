# The root module: how the parts are wired, the environment contract, toggles and input checks.
# Bundles: `scripts/terraform-check.sh` writes the dummy zip (only its hash is read in a plan).

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  worker_zip_path    = "../.tmp/dummy.zip"
  jobsender_zip_path = "../.tmp/dummy.zip"
  bucket_pairs = [
    { src_bucket = "global-src", src_prefix = "media/", des_bucket = "china-dst", des_prefix = "mirror/" },
  ]
}

run "defaults" {
  command = plan

  assert {
    condition     = contains(aws_lambda_event_source_mapping.worker.function_response_types, "ReportBatchItemFailures")
    error_message = "The worker must report partial batch failures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.worker.batch_size == 1 && aws_lambda_event_source_mapping.worker.scaling_config[0].maximum_concurrency == 100
    error_message = "Batch size 1 and maximum concurrency 100 by default."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.worker.event_source_arn == module.queue.queue_arn && aws_lambda_event_source_mapping.worker.function_name == module.worker.function_arn
    error_message = "The job queue must drive the worker."
  }

  # Both functions sign with the deployment's own message key; only the worker checks; operators sign (send).
  assert {
    condition     = local.worker_environment.MESSAGE_KEY_ID == module.queue.message_key_arn && local.jobsender_environment.MESSAGE_KEY_ID == module.queue.message_key_arn && output.message_key_arn == module.queue.message_key_arn
    error_message = "The functions must get the message key the queue module creates."
  }

  assert {
    condition = alltrue([for doc, actions in {
      (module.iam_policies.worker_policy_json)    = ["kms:GenerateMac", "kms:VerifyMac"]
      (module.iam_policies.jobsender_policy_json) = ["kms:GenerateMac"]
      (module.iam_policies.operator_policy_json)  = ["kms:GenerateMac"]
      } : length([for st in jsondecode(doc).Statement : st if(
        st.Action == actions && st.Resource == [module.queue.message_key_arn] && try(st.Condition.StringEquals["kms:MacAlgorithm"], "") == "HMAC_SHA_256"
      )]) == 1 && !anytrue([for st in jsondecode(doc).Statement : contains(flatten([st.Action]), "kms:VerifyMac") && actions == ["kms:GenerateMac"]])
    ])
    error_message = "The worker signs and checks, the jobsender and operators only sign, with HMAC_SHA_256 on the deployment's key."
  }

  assert {
    condition     = module.queue.visibility_timeout_seconds >= var.worker_timeout && module.queue.visibility_timeout_seconds <= 43200
    error_message = "The visibility timeout must cover the worker timeout."
  }

  assert {
    condition     = module.queue.max_receive_count == 60
    error_message = "Jobs must reach the DLQ after 60 receives."
  }

  assert {
    condition = toset(keys(output.worker_environment)) == toset([
      "JOB_QUEUE_URL", "MESSAGE_KEY_ID", "EVENT_QUEUE_URL", "EVENT_QUEUE_ARN", "DEAD_LETTER_QUEUE_URL", "LEDGER_TABLE", "BUCKET_PAIRS_PARAMETER", "IGNORE_LIST_PARAMETER", "CREDENTIALS_PARAMETER",
      "DIRECTION", "PART_SIZE_MIB", "SMALL_OBJECT_THRESHOLD_MIB", "FANOUT_THRESHOLD_MIB", "FANOUT_RANGE_PARTS", "PART_CONCURRENCY", "FILE_CONCURRENCY",
      "MAX_ATTEMPTS", "STORAGE_CLASS", "SSE", "SSE_KMS_KEY_ID", "COPY_TAGS", "DEFAULT_DEST_BUCKET",
      "DEFAULT_DEST_PREFIX", "DEFAULT_DEST_REGION", "DEFAULT_DEST_BUCKET_OWNER", "EVENT_SOURCE_BUCKET", "EVENT_SOURCE_BUCKET_OWNER",
      "EVENT_FILTER_PREFIX", "EVENT_FILTER_SUFFIX",
      "PROPAGATE_DELETES", "USE_CHECKSUMS", "SERVER_SIDE_COPY", "DEADLINE_MARGIN_SECONDS", "COMPARE_VERSION_ID",
      "UPDATE_VERSION_ID", "GET_OBJECT_WITH_VERSION_ID", "POWERTOOLS_SERVICE_NAME",
      "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL",
    ])
    error_message = "The worker environment must be exactly the contract with the code."
  }

  assert {
    condition = (
      output.worker_environment.EVENT_SOURCE_BUCKET == "" &&
      output.worker_environment.EVENT_SOURCE_BUCKET_OWNER == "" &&
      output.worker_environment.DEFAULT_DEST_REGION == "" &&
      output.worker_environment.DEFAULT_DEST_BUCKET_OWNER == "" &&
      output.worker_environment.EVENT_FILTER_PREFIX == "" &&
      output.worker_environment.EVENT_FILTER_SUFFIX == "" &&
      output.worker_environment.BUCKET_PAIRS_PARAMETER == module.config.bucket_pairs_parameter_name &&
      output.worker_environment.IGNORE_LIST_PARAMETER == module.config.ignore_list_parameter_name
    )
    error_message = "Without bucket events the worker accepts events from no bucket; it reads the pairs and the ignore list."
  }

  # The worker checks every message against the pairs and the ignore list: it reads all three.
  assert {
    condition = anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
      st.Action == ["ssm:GetParameter"] && toset(st.Resource) == toset(module.config.parameter_arns) if st.Sid == "ReadConfiguration"
    ])
    error_message = "The worker must be able to read the bucket pairs, the ignore list and the credentials."
  }

  # Closed queues: the functions' roles are the only senders besides the operators.
  assert {
    condition = anytrue([for st in jsondecode(output.job_queue_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:PrincipalArn"] == [module.worker.role_arn, module.jobsender.role_arn] if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "Only the worker and the jobsender may send to the job queue by default."
  }

  assert {
    condition = anytrue([for st in jsondecode(output.dlq_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:PrincipalArn"] == [module.worker.role_arn] if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "Only the worker may send to the dead-letter queue by default."
  }

  # The key in the SecureString writes the destination, in the other partition.
  assert {
    condition = (
      output.other_partition == "aws-cn" &&
      strcontains(output.credentials_policy_json, "arn:aws-cn:s3:::china-dst/mirror/media/*") &&
      !strcontains(output.credentials_policy_json, "global-src")
    )
    error_message = "credentials_policy_json must grant the China destination of the pair, and nothing of the source."
  }

  assert {
    condition     = strcontains(output.operator_policy_json, "/index/by_status") && !strcontains(module.iam_policies.worker_policy_json, "/index/") && !strcontains(module.iam_policies.jobsender_policy_json, "dynamodb:Query")
    error_message = "Only operators query the by_status index; the jobsender queries nothing."
  }

  assert {
    condition     = output.sns_kms_key_arn != null && module.monitoring.sns_kms_key_arn == output.sns_kms_key_arn
    error_message = "The alarm topic is encrypted with a created key by default."
  }

  assert {
    condition = toset(keys(output.jobsender_environment)) == toset([
      "JOB_QUEUE_URL", "MESSAGE_KEY_ID", "LEDGER_TABLE", "BUCKET_PAIRS_PARAMETER", "IGNORE_LIST_PARAMETER", "CREDENTIALS_PARAMETER",
      "DIRECTION", "MAX_ATTEMPTS", "PROPAGATE_DELETES", "DEADLINE_MARGIN_SECONDS", "COMPARE_VERSION_ID",
      "WORKER_MEMORY_MIB", "PART_SIZE_MIB", "PART_CONCURRENCY", "FILE_CONCURRENCY",
      "SMALL_OBJECT_THRESHOLD_MIB", "FANOUT_THRESHOLD_MIB", "FANOUT_RANGE_PARTS", "COPY_TAGS", "SERVER_SIDE_COPY",
      "WORKER_BATCH_SIZE", "WORKER_TIMEOUT_SECONDS", "BATCH_MAX_OBJECTS", "BATCH_MAX_MIB",
      "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL",
    ])
    error_message = "The jobsender environment must be exactly the contract with the code."
  }

  assert {
    condition = (
      output.worker_environment.DIRECTION == "PUT" &&
      output.worker_environment.COPY_TAGS == "true" &&
      output.worker_environment.PART_SIZE_MIB == "8" &&
      output.worker_environment.POWERTOOLS_SERVICE_NAME == "s3-migrate-worker" &&
      output.worker_environment.POWERTOOLS_METRICS_NAMESPACE == "s3-migrate" &&
      output.worker_environment.CREDENTIALS_PARAMETER == "/s3-migrate/credentials" &&
      output.worker_environment.JOB_QUEUE_URL == module.queue.queue_url &&
      output.jobsender_environment.WORKER_MEMORY_MIB == "1769" &&
      output.jobsender_environment.POWERTOOLS_SERVICE_NAME == "s3-migrate-jobsender" &&
      output.jobsender_environment.POWERTOOLS_METRICS_NAMESPACE == "s3-migrate"
    )
    error_message = "Environment values must follow the inputs."
  }

  # Names follow the prefix; the account-wide ones (roles, dashboard) carry the region too. The
  # dashboard reads the service names and namespace the functions are given.
  assert {
    condition = (
      output.resource_names.roles == tolist(["s3-migrate-worker-us-east-1", "s3-migrate-jobsender-us-east-1"]) &&
      output.dashboard_name == "s3-migrate-us-east-1" &&
      output.resource_names.parameters == tolist(["/s3-migrate/bucket-pairs", "/s3-migrate/ignore-list", "/s3-migrate/credentials"]) &&
      strcontains(module.iam_policies.worker_policy_json, "parameter/s3-migrate/credentials")
    )
    error_message = "Names derive from the prefix (and the region where account-wide): ${jsonencode(output.resource_names)}."
  }

  assert {
    condition     = output.bucket_events_queue_configuration == null
    error_message = "No queue configuration without bucket events."
  }

  # No S3 action in either function's policy may be granted on `*` or on every bucket.
  assert {
    condition = alltrue(flatten([for doc in [module.iam_policies.worker_policy_json, module.iam_policies.jobsender_policy_json] : [
      for s in jsondecode(doc).Statement : [
        for r in flatten([s.Resource]) : r != "*" && !can(regex("^arn:[^:]+:s3:::\\*", r))
      ] if anytrue([for a in flatten([s.Action]) : startswith(a, "s3:")])
    ]]))
    error_message = "An S3 action is granted on a `*` resource."
  }

  assert {
    condition     = module.iam_policies.role_object_arns == ["arn:aws:s3:::global-src/media/*"] && !strcontains(module.iam_policies.worker_policy_json, "china-dst")
    error_message = "With PUT the role reaches the source prefix only."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.jobsender[0].schedule_expression == "rate(1 hour)" && aws_cloudwatch_event_rule.jobsender[0].state == "ENABLED"
    error_message = "The jobsender runs hourly by default."
  }

  assert {
    condition     = aws_cloudwatch_event_target.jobsender[0].arn == module.jobsender.function_arn && aws_lambda_permission.jobsender_schedule[0].principal == "events.amazonaws.com"
    error_message = "The schedule must be allowed to invoke the jobsender."
  }

  assert {
    condition     = length(module.nat_instance) == 0 && output.vpc_id == null && length(local.vpc_subnet_ids) == 0
    error_message = "enable_nat_instance = false must create no NAT resource and leave the functions outside any VPC."
  }

  assert {
    condition     = length(module.bucket_events) == 0
    error_message = "enable_bucket_events = false must create no bucket notification."
  }

  assert {
    condition     = length(module.monitoring.alarm_names) == 6
    error_message = "The DLQ, worker errors, worker throttles, queue age, jobsender errors and stalled continuations alarms must exist."
  }
}

# Also: one prefix in two regions of one account: the account-wide names (roles, the NAT
# instance's role, the dashboard) differ by region; a prefix of 40 characters with a long region
# still fits IAM's 64, cut and ended by a hash of the whole.
run "nat_instance_and_account_wide_names" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "ap-southeast-5" }
  }

  variables {
    enable_nat_instance = true
    name_prefix         = "a-forty-character-prefix-for-s3-migrate0"
  }

  assert {
    condition     = length(module.nat_instance) == 1 && length(local.vpc_subnet_ids) == 2 && length(local.vpc_security_group_ids) == 1
    error_message = "With the NAT instance the functions must run in its two private subnets."
  }

  assert {
    condition = (
      alltrue([for n in output.resource_names.roles : length(n) <= 64]) &&
      length(distinct(output.resource_names.roles)) == 3 &&
      output.resource_names.roles[0] == "a-forty-character-prefix-for-s3-migrate0-worker-ap-southeast-5" &&
      startswith(output.resource_names.roles[1], "a-forty-character-prefix-for-s3-migrate0-jobsender-ap-s-") &&
      length(output.resource_names.roles[1]) == 64 &&
      output.resource_names.roles[2] == "a-forty-character-prefix-for-s3-migrate0-nat-ap-southeast-5" &&
      output.dashboard_name == "a-forty-character-prefix-for-s3-migrate0-ap-southeast-5"
    )
    error_message = "Role names must include the region and fit 64 characters: ${jsonencode(output.resource_names.roles)}."
  }
}

run "bucket_events" {
  command = plan

  variables {
    enable_bucket_events        = true
    bucket_events_source_bucket = "events-src"
    bucket_events_filter_prefix = "incoming/"
    bucket_events_filter_suffix = ".csv"
    default_dest_bucket         = "china-events"
    default_dest_region         = "cn-northwest-1"
    default_dest_bucket_owner   = "444455556666"
    bucket_events_source_region = "us-east-1"
    propagate_deletes           = true
  }

  assert {
    condition     = length(module.bucket_events) == 1 && contains(module.bucket_events[0].events, "s3:ObjectRemoved:*")
    error_message = "Bucket events must be sent to the queue, deletions included with delete propagation."
  }

  assert {
    condition     = contains(module.iam_policies.role_object_arns, "arn:aws:s3:::events-src/incoming/*")
    error_message = "The worker must be able to read the event bucket's prefix."
  }

  assert {
    condition     = output.worker_environment.DEFAULT_DEST_BUCKET == "china-events" && output.worker_environment.PROPAGATE_DELETES == "true"
    error_message = "Event jobs need their default destination."
  }

  # The event bucket is bound to the account the queue takes its events from (this one).
  assert {
    condition = (
      output.worker_environment.EVENT_SOURCE_BUCKET_OWNER == "111122223333" &&
      output.worker_environment.DEFAULT_DEST_REGION == "cn-northwest-1" &&
      output.worker_environment.DEFAULT_DEST_BUCKET_OWNER == "444455556666" &&
      anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
        contains(st.Resource, "arn:aws:s3:::events-src/incoming/*") && try(st.Condition.StringEquals["s3:ResourceAccount"], null) == ["111122223333"] if startswith(st.Sid, "ReadSourceObjects")
      ]) &&
      strcontains(output.credentials_policy_json, "444455556666")
    )
    error_message = "The worker binds the event bucket and the default destination to their owners, and the grants say the same."
  }

  assert {
    condition     = module.bucket_events[0].bucket == "events-src" && output.bucket_events_queue_configuration.id == "s3-migrate"
    error_message = "By default the module owns the bucket's notification, its queue block named after the prefix."
  }

  assert {
    condition = (
      output.worker_environment.EVENT_SOURCE_BUCKET == "events-src" &&
      output.worker_environment.EVENT_FILTER_PREFIX == "incoming/" &&
      output.worker_environment.EVENT_FILTER_SUFFIX == ".csv"
    )
    error_message = "The worker must know the event bucket and filter, to refuse events from elsewhere."
  }

  assert {
    condition = anytrue([for st in jsondecode(output.event_queue_policy_json).Statement :
      st.Condition == { ArnLike = { "aws:SourceArn" = ["arn:aws:s3:::events-src"] }, StringEquals = { "aws:SourceAccount" = ["111122223333"] } } && st.Principal == { Service = "s3.amazonaws.com" }
      if st.Sid == "AllowS3EventNotifications"
      ]) && anytrue([for st in jsondecode(output.event_queue_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:SourceArn"] == ["arn:aws:s3:::events-src"] if st.Sid == "DenySendExceptS3"
      ]) && !strcontains(output.job_queue_policy_json, "s3.amazonaws.com") && (
      module.bucket_events[0].queue_configuration.queue_arn == module.queue.event_queue_arn &&
      aws_lambda_event_source_mapping.worker_events[0].event_source_arn == module.queue.event_queue_arn &&
      output.worker_environment.EVENT_QUEUE_URL == module.queue.event_queue_url &&
      output.worker_environment.EVENT_QUEUE_ARN == module.queue.event_queue_arn
      ) && anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
        st.Resource == module.queue.event_queue_arn && !contains(st.Action, "sqs:SendMessage") if st.Sid == "ConsumeEventQueue"
    ])
    error_message = "S3 events go to the event queue, from the event bucket of this account only, and drive the worker from there; the job queue takes none."
  }
}

# S3 notifies only queues of the bucket's own region.
run "bucket_events_from_another_region_are_refused" {
  command = plan

  variables {
    enable_bucket_events        = true
    bucket_events_source_bucket = "events-src"
    bucket_events_source_region = "eu-west-1"
    default_dest_bucket         = "china-events"
  }

  expect_failures = [data.aws_caller_identity.current]
}

run "get_direction" {
  command = plan

  variables {
    direction = "GET"
    sse       = "aws:kms"
  }

  assert {
    condition     = module.iam_policies.role_object_arns == ["arn:aws:s3:::china-dst/mirror/media/*"] && !strcontains(module.iam_policies.worker_policy_json, "global-src")
    error_message = "With GET the role reaches where the pair writes only (destination folder + source prefix)."
  }

  assert {
    condition     = output.worker_environment.DIRECTION == "GET" && output.worker_environment.SSE == "aws:kms"
    error_message = "Environment values must follow the inputs."
  }
}

# Server-side copy: the role on both sides, no credentials read or granted, bucket policies
# naming the deployed roles.
run "server_side_copy" {
  command = plan

  variables {
    server_side_copy = true
    bucket_pairs = [
      { src_bucket = "global-src", src_prefix = "media/", des_bucket = "other-account-dst", des_prefix = "mirror/" },
    ]
    sse            = "aws:kms"
    sse_kms_key_id = "arn:aws:kms:us-east-1:444455556666:key/dst"
  }

  assert {
    condition     = output.worker_environment.SERVER_SIDE_COPY == "true" && output.jobsender_environment.SERVER_SIDE_COPY == "true" && output.worker_environment.CREDENTIALS_PARAMETER == "" && output.jobsender_environment.CREDENTIALS_PARAMETER == ""
    error_message = "The functions copy server-side (the jobsender estimates such a run) and read no credentials parameter."
  }

  assert {
    condition = anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
      toset(st.Resource) == toset([module.config.bucket_pairs_parameter_arn, module.config.ignore_list_parameter_arn]) if st.Sid == "ReadConfiguration"
    ]) && !strcontains(module.iam_policies.worker_policy_json, "s3-migrate/credentials") && !strcontains(module.iam_policies.jobsender_policy_json, "s3-migrate/credentials") && !contains(output.resource_names.parameters, "/s3-migrate/credentials")
    error_message = "Neither function may read the credentials parameter: none is used."
  }

  assert {
    condition     = toset(module.iam_policies.role_object_arns) == toset(["arn:aws:s3:::global-src/media/*", "arn:aws:s3:::other-account-dst/mirror/media/*"]) && output.credentials_policy_json == null && output.credentials_parameter_name == null
    error_message = "The role reads the source and writes the destination; no key is granted anything."
  }

  assert {
    condition = anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
      st.Resource == ["arn:aws:kms:us-east-1:444455556666:key/dst"] if st.Sid == "EncryptDestinationObjects"
    ])
    error_message = "The role encrypts the destination objects itself, with the given key."
  }

  assert {
    condition = toset(keys(output.bucket_policies_json)) == toset(["global-src", "other-account-dst"]) && anytrue([for st in jsondecode(output.bucket_policies_json["other-account-dst"]).Statement :
      st.Principal.AWS == [module.worker.role_arn] if st.Sid == "WriteDestinationObjects"
      ]) && anytrue([for st in jsondecode(output.bucket_policies_json["other-account-dst"]).Statement :
      toset(st.Principal.AWS) == toset([module.worker.role_arn, module.jobsender.role_arn]) if st.Sid == "ListDestinationObjects"
    ])
    error_message = "Each bucket's policy lets in the deployed roles: the worker to copy, both to list."
  }
}

run "server_side_copy_with_created_credentials_is_refused" {
  command = plan

  variables {
    server_side_copy             = true
    create_credentials_parameter = true
    credentials = {
      aws_access_key_id     = "AKIAEXAMPLE"
      aws_secret_access_key = "secret"
      region                = "us-west-2"
    }
  }

  expect_failures = [data.aws_caller_identity.current]
}

run "operators_and_kms" {
  command = plan

  variables {
    queue_sender_principal_arns = ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operator_*"]
    queue_kms_key_arn           = "arn:aws:kms:us-east-1:111122223333:key/queue"
    sns_kms_key_id              = "arn:aws:kms:us-east-1:111122223333:key/topic"
    other_partition             = "aws"
  }

  assert {
    condition = anytrue([for st in jsondecode(output.job_queue_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:PrincipalArn"] == [module.worker.role_arn, module.jobsender.role_arn, "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operator_*"]
      if st.Sid == "DenySendExceptAllowedSenders"
      ]) && anytrue([for st in jsondecode(output.dlq_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:PrincipalArn"] == [module.worker.role_arn, "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operator_*"]
      if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "Operators may send to both queues (send, redrive, cluster-mode workers)."
  }

  assert {
    condition = anytrue([for st in jsondecode(module.iam_policies.worker_policy_json).Statement :
      st.Resource == [var.queue_kms_key_arn] && st.Condition.StringEquals["kms:ViaService"] == ["sqs.us-east-1.amazonaws.com"] if st.Sid == "UseQueueKey"
    ])
    error_message = "The queue key is granted through SQS only."
  }

  assert {
    condition     = module.monitoring.sns_kms_key_arn == null && output.other_partition == "aws" && strcontains(output.credentials_policy_json, "arn:aws:s3:::china-dst")
    error_message = "A given topic key creates none; other_partition sets the credentials policy's ARNs."
  }
}

run "given_message_key" {
  command = plan

  variables {
    message_key_arn = "arn:aws:kms:us-east-1:111122223333:key/messages"
  }

  assert {
    condition     = module.queue.message_key_arn == null && local.worker_environment.MESSAGE_KEY_ID == var.message_key_arn && strcontains(module.iam_policies.worker_policy_json, var.message_key_arn)
    error_message = "A given message key creates none and is the one the functions use and are granted."
  }
}

# The credentials are ephemeral end to end: the root passes them to the config module, which
# writes them with value_wo; nothing of them is in the plan.
run "created_credentials" {
  command = plan

  variables {
    create_credentials_parameter = true
    credentials_parameter_name   = "/s3-migrate/credentials"
    credentials_version          = 3
    credentials = {
      aws_access_key_id     = "AKIAEXAMPLE"
      aws_secret_access_key = "secret"
      region                = "cn-northwest-1"
      endpoint              = "https://s3.cn-northwest-1.amazonaws.com.cn"
    }
  }

  assert {
    condition     = output.worker_environment.CREDENTIALS_PARAMETER == "/s3-migrate/credentials" && module.config.credentials_parameter_name == "/s3-migrate/credentials"
    error_message = "The functions must read the created parameter."
  }
}

# Also: one of two deployments on one event bucket, so neither owns its notification; each gives
# its queue block for a notification of the user's.
run "event_only_without_jobsender" {
  command = plan

  variables {
    name_prefix                       = "to-china"
    bucket_pairs                      = []
    create_jobsender                  = false
    enable_bucket_events              = true
    bucket_events_source_bucket       = "events-src"
    bucket_events_filter_prefix       = "media/"
    bucket_events_manage_notification = false
    default_dest_bucket               = "china-events"
    create_monitoring                 = false
  }

  assert {
    condition = (
      module.bucket_events[0].bucket == null &&
      output.bucket_events_queue_configuration.id == "to-china" &&
      output.bucket_events_queue_configuration.queue_arn == module.queue.queue_arn &&
      output.bucket_events_queue_configuration.filter_prefix == "media/" &&
      output.worker_environment.EVENT_SOURCE_BUCKET == "events-src"
    )
    error_message = "Without the notification the deployment still takes the bucket's events and says what its queue block is."
  }

  assert {
    condition = anytrue([for st in jsondecode(output.event_queue_policy_json).Statement :
      st.Condition.ArnLike["aws:SourceArn"] == ["arn:aws:s3:::events-src"] if st.Sid == "AllowS3EventNotifications"
    ])
    error_message = "The queue admits the bucket's events whoever owns the notification."
  }

  assert {
    condition     = output.jobsender_function_name == null && length(aws_cloudwatch_event_rule.jobsender) == 0 && output.jobsender_environment == null
    error_message = "create_jobsender = false must create no jobsender."
  }

  assert {
    condition     = length(module.monitoring.alarm_names) == 0 && module.monitoring.sns_topic_arn == null && output.sns_kms_key_arn == null
    error_message = "create_monitoring = false must create no alarm, topic or key."
  }

  assert {
    condition = anytrue([for st in jsondecode(output.job_queue_policy_json).Statement :
      st.Condition.ArnNotLikeIfExists["aws:PrincipalArn"] == [module.worker.role_arn] if st.Sid == "DenySendExceptAllowedSenders"
    ])
    error_message = "Without a jobsender only the worker (and S3) may send to the job queue."
  }
}

run "bad_inputs_are_refused" {
  command = plan

  variables {
    direction                  = "BOTH"
    worker_memory_size         = 64
    worker_batch_size          = 11
    worker_maximum_concurrency = 1
    storage_class              = "COLD"
    sse                        = "KMS"
    log_retention_in_days      = 2
    jobsender_schedule         = "every hour"
    bucket_pairs = [
      { src_bucket = "global-src", src_prefix = "home/$${aws:username}/", des_bucket = "china-dst", des_prefix = "" },
    ]
    queue_sender_principal_arns = ["arn:aws:sts::111122223333:assumed-role/ops/me"]
    sns_kms_key_id              = "alias/aws/sns"
    other_partition             = "china"
    bucket_events_source_region = "Frankfurt"
    default_dest_region         = "cn"
    default_dest_bucket_owner   = "4444-5555-6666"
    metrics_namespace           = "AWS/Lambda"
  }

  expect_failures = [
    var.bucket_pairs,
    var.bucket_events_source_region,
    var.default_dest_region,
    var.default_dest_bucket_owner,
    var.metrics_namespace,
    var.queue_sender_principal_arns,
    var.sns_kms_key_id,
    var.other_partition,
    var.direction,
    var.worker_memory_size,
    var.worker_batch_size,
    var.worker_maximum_concurrency,
    var.storage_class,
    var.sse,
    var.log_retention_in_days,
    var.jobsender_schedule,
  ]
}

run "events_without_destination_are_refused" {
  command = plan

  variables {
    enable_bucket_events        = true
    bucket_events_source_bucket = "events-src"
  }

  expect_failures = [data.aws_caller_identity.current]
}

run "reserved_concurrency_below_queue_concurrency_is_refused" {
  command = plan

  variables {
    worker_reserved_concurrency = 10
  }

  expect_failures = [data.aws_caller_identity.current]
}

run "parts_in_flight_beyond_memory_are_refused" {
  command = plan

  variables {
    worker_memory_size = 512
    part_size_mib      = 64
    part_concurrency   = 16
  }

  expect_failures = [data.aws_caller_identity.current]
}
