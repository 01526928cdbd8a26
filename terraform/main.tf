data "aws_partition" "current" {}

data "aws_region" "current" {}

# Cross-variable checks of the inputs live here: they run at plan time, before any resource.
data "aws_caller_identity" "current" {
  lifecycle {
    precondition {
      condition     = length(var.bucket_pairs) > 0 || var.enable_bucket_events
      error_message = "Nothing to migrate: set `bucket_pairs`, or `enable_bucket_events` with a source bucket."
    }

    precondition {
      condition     = !var.enable_bucket_events || (var.bucket_events_source_bucket != null && var.default_dest_bucket != null)
      error_message = "Expected `bucket_events_source_bucket` and `default_dest_bucket` when `enable_bucket_events` is true: event messages name no destination."
    }

    precondition {
      condition     = var.bucket_events_source_region == null || var.bucket_events_source_region == data.aws_region.current.name
      error_message = "`bucket_events_source_region` (${coalesce(var.bucket_events_source_region, "-")}) is not this deployment's region (${data.aws_region.current.name}): S3 sends event notifications only to a queue in the bucket's own region. Deploy this module in ${coalesce(var.bucket_events_source_region, "-")} for that bucket (its functions reach buckets in any region), or use the scheduled jobsender for it."
    }

    precondition {
      condition     = var.deadline_margin_seconds < var.worker_timeout
      error_message = "Expected `deadline_margin_seconds` (${var.deadline_margin_seconds}) to be below `worker_timeout` (${var.worker_timeout})."
    }

    precondition {
      condition     = var.sse_kms_key_id == null || var.sse == "aws:kms"
      error_message = "Expected `sse = \"aws:kms\"` when `sse_kms_key_id` is set."
    }

    precondition {
      condition     = (var.direction != "GET" && !var.server_side_copy) || var.sse != "aws:kms" || var.sse_kms_key_id == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.sse_kms_key_id, "-")))
      error_message = "With direction `GET` or `server_side_copy` the role encrypts destination objects itself: give `sse_kms_key_id` as a key ARN so that it can be granted."
    }

    precondition {
      condition     = !var.server_side_copy || !var.create_credentials_parameter
      error_message = "A server-side copy reads no credentials: the role reaches both sides. Drop `create_credentials_parameter` (and `credentials`) with `server_side_copy`."
    }

    precondition {
      condition     = var.worker_reserved_concurrency == -1 || var.worker_reserved_concurrency == 0 || var.worker_reserved_concurrency >= var.worker_maximum_concurrency
      error_message = "Expected `worker_reserved_concurrency` (${var.worker_reserved_concurrency}) to be -1, 0 or at least `worker_maximum_concurrency` (${var.worker_maximum_concurrency}): the queue would otherwise drive the worker into throttling."
    }

    precondition {
      # The same sum the jobsender checks (checkWorkerMemory): each object in flight holds at most
      # part_concurrency parts of part_size_mib, plus 150 MiB for the runtime.
      condition     = var.file_concurrency * var.part_concurrency * var.part_size_mib + 150 <= var.worker_memory_size
      error_message = "`file_concurrency` x `part_concurrency` x `part_size_mib` (${var.file_concurrency * var.part_concurrency * var.part_size_mib} MiB in flight) plus 150 MiB for the runtime exceeds `worker_memory_size` (${var.worker_memory_size} MB)."
    }

    precondition {
      condition     = !(var.enable_nat_instance && length(var.lambda_subnet_ids) > 0)
      error_message = "Use either `enable_nat_instance` or `lambda_subnet_ids`, not both."
    }
  }
}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  # Every name derives from name_prefix, so that two deployments in one account and region
  # (Global->China PUT and China->Global GET, say) share nothing. Names that are account-wide
  # (IAM roles, instance profiles, dashboards) carry the region as well; an IAM name longer than
  # IAM's 64 characters is cut and ends in a hash of the whole, so it stays unique.
  worker_name    = "${var.name_prefix}-worker"
  jobsender_name = "${var.name_prefix}-jobsender"
  iam_names = { for what, name in {
    worker    = "${var.name_prefix}-worker-${local.region}"
    jobsender = "${var.name_prefix}-jobsender-${local.region}"
    nat       = "${var.name_prefix}-nat-${local.region}"
  } : what => length(name) <= 64 ? name : "${substr(name, 0, 55)}-${substr(sha256(name), 0, 8)}" }
  dashboard_name         = "${var.name_prefix}-${local.region}"
  credentials_parameter  = coalesce(var.credentials_parameter_name, "/${var.name_prefix}/credentials")
  metrics_namespace      = coalesce(var.metrics_namespace, var.name_prefix)
  worker_service_name    = "${var.name_prefix}-worker"
  jobsender_service_name = "${var.name_prefix}-jobsender"

  worker_zip_path    = coalesce(var.worker_zip_path, "${path.module}/../functions/worker/dist/worker.zip")
  jobsender_zip_path = coalesce(var.jobsender_zip_path, "${path.module}/../functions/jobsender/dist/jobsender.zip")

  # Longer than the worker can run, so a message is never redelivered while a worker holds it.
  visibility_timeout = coalesce(var.queue_visibility_timeout_seconds, var.worker_timeout + 60)

  # S3-event jobs read the event bucket and write the default destination: one more pair for IAM.
  # The event bucket belongs to the account the queue takes its events from.
  event_source_owner = var.enable_bucket_events ? coalesce(var.bucket_events_source_account_id, local.account_id) : null
  event_pairs = var.enable_bucket_events && var.bucket_events_source_bucket != null && var.default_dest_bucket != null ? [{
    src_bucket = var.bucket_events_source_bucket
    src_prefix = var.bucket_events_filter_prefix
    des_bucket = var.default_dest_bucket
    des_prefix = var.default_dest_prefix
    src_region = var.bucket_events_source_region
    des_region = var.default_dest_region
    src_owner  = local.event_source_owner
    des_owner  = var.default_dest_bucket_owner
  }] : []

  event_bucket_arns = var.enable_bucket_events && var.bucket_events_source_bucket != null ? ["arn:${local.partition}:s3:::${var.bucket_events_source_bucket}"] : []

  sse_kms_key_arns = var.sse == "aws:kms" && can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.sse_kms_key_id, "-"))) ? [var.sse_kms_key_id] : []

  # A server-side copy reaches both sides with the role: no stored keys are read, or granted.
  credentials_parameter_env = var.server_side_copy ? "" : module.config.credentials_parameter_name
  parameter_arns = var.server_side_copy ? compact([
    module.config.bucket_pairs_parameter_arn,
    module.config.ignore_list_parameter_arn,
  ]) : module.config.parameter_arns

  # The key that signs and checks the job queue's messages: the caller's, or the queue module's.
  message_key_arn = coalesce(var.message_key_arn, module.queue.message_key_arn)

  vpc_subnet_ids         = var.enable_nat_instance ? module.nat_instance[0].private_subnet_ids : var.lambda_subnet_ids
  vpc_security_group_ids = var.enable_nat_instance ? [module.nat_instance[0].lambda_security_group_id] : var.lambda_security_group_ids
}

################################################################################
# Queue
################################################################################

module "queue" {
  source = "./modules/queue"

  name                       = "${var.name_prefix}-jobs"
  event_queue_name           = "${var.name_prefix}-events"
  visibility_timeout_seconds = local.visibility_timeout
  worker_timeout_seconds     = var.worker_timeout
  max_receive_count          = var.max_receive_count
  kms_master_key_id          = var.queue_kms_key_arn
  create_message_key         = var.message_key_arn == null

  # Closed queues: only the functions, the operators and the event bucket may send. The role
  # ARNs are what aws:PrincipalArn holds for the functions' assumed-role sessions.
  sender_principal_arns     = concat([module.worker.role_arn], var.create_jobsender ? [module.jobsender.role_arn] : [], var.queue_sender_principal_arns)
  dlq_sender_principal_arns = concat([module.worker.role_arn], var.queue_sender_principal_arns)

  create_s3_notification_policy = var.enable_bucket_events
  s3_source_bucket_arns         = local.event_bucket_arns
  s3_source_account_ids         = var.enable_bucket_events ? [local.event_source_owner] : []

  tags = var.tags
}

################################################################################
# Ledger
################################################################################

module "ledger" {
  source = "./modules/ledger"

  name                        = "${var.name_prefix}-ledger"
  kms_key_arn                 = var.ledger_kms_key_arn
  deletion_protection_enabled = var.ledger_deletion_protection

  tags = var.tags
}

################################################################################
# Configuration parameters
################################################################################

module "config" {
  source = "./modules/config"

  bucket_pairs_parameter_name = "/${var.name_prefix}/bucket-pairs"
  bucket_pairs                = var.bucket_pairs
  ignore_list_parameter_name  = "/${var.name_prefix}/ignore-list"
  ignore_list                 = var.ignore_list

  credentials_parameter_name   = local.credentials_parameter
  create_credentials_parameter = var.create_credentials_parameter
  credentials                  = var.credentials
  credentials_version          = var.credentials_version
  credentials_kms_key_id       = var.credentials_kms_key_arn

  tags = var.tags
}

################################################################################
# IAM
################################################################################

module "iam_policies" {
  source = "./modules/iam-policies"

  direction          = var.direction
  server_side_copy   = var.server_side_copy
  bucket_pairs       = concat(var.bucket_pairs, local.event_pairs)
  propagate_deletes  = var.propagate_deletes
  compare_version_id = var.compare_version_id
  copy_tags          = var.copy_tags
  other_partition    = var.other_partition

  job_queue_arn           = module.queue.queue_arn
  event_queue_arn         = module.queue.event_queue_arn
  dead_letter_queue_arn   = module.queue.dlq_arn
  ledger_table_arn        = module.ledger.table_arn
  ledger_status_index_arn = try(module.ledger.index_arns["by_status"], null)
  parameter_arns          = local.parameter_arns

  # the principals of the bucket policies a server-side copy needs in other accounts
  worker_role_arn    = module.worker.role_arn
  jobsender_role_arn = var.create_jobsender ? module.jobsender.role_arn : null

  credentials_kms_key_arn  = var.credentials_kms_key_arn
  queue_kms_key_arn        = var.queue_kms_key_arn
  message_key_arn          = local.message_key_arn
  ledger_kms_key_arn       = var.ledger_kms_key_arn
  source_kms_key_arns      = var.source_kms_key_arns
  destination_kms_key_arns = local.sse_kms_key_arns
}

################################################################################
# Worker
################################################################################

locals {
  # The contract with functions/worker: names are read by the code, values are strings. The
  # worker checks every message against the configuration before reading anything: pairs and
  # ignore list from SSM, and S3 events only from EVENT_SOURCE_BUCKET, within the event filter.
  worker_environment = {
    JOB_QUEUE_URL                = module.queue.queue_url
    MESSAGE_KEY_ID               = local.message_key_arn
    EVENT_QUEUE_URL              = module.queue.event_queue_url == null ? "" : module.queue.event_queue_url
    EVENT_QUEUE_ARN              = module.queue.event_queue_arn == null ? "" : module.queue.event_queue_arn
    DEAD_LETTER_QUEUE_URL        = module.queue.dlq_url
    LEDGER_TABLE                 = module.ledger.table_name
    BUCKET_PAIRS_PARAMETER       = module.config.bucket_pairs_parameter_name
    IGNORE_LIST_PARAMETER        = module.config.ignore_list_parameter_name
    CREDENTIALS_PARAMETER        = local.credentials_parameter_env
    DIRECTION                    = var.direction
    PART_SIZE_MIB                = tostring(var.part_size_mib)
    SMALL_OBJECT_THRESHOLD_MIB   = tostring(var.small_object_threshold_mib)
    FANOUT_THRESHOLD_MIB         = tostring(var.fanout_threshold_mib)
    FANOUT_RANGE_PARTS           = tostring(var.fanout_range_parts)
    PART_CONCURRENCY             = tostring(var.part_concurrency)
    FILE_CONCURRENCY             = tostring(var.file_concurrency)
    MAX_ATTEMPTS                 = tostring(var.max_attempts)
    STORAGE_CLASS                = var.storage_class
    SSE                          = var.sse == null ? "" : var.sse
    SSE_KMS_KEY_ID               = var.sse_kms_key_id == null ? "" : var.sse_kms_key_id
    COPY_TAGS                    = tostring(var.copy_tags)
    DEFAULT_DEST_BUCKET          = var.enable_bucket_events && var.default_dest_bucket != null ? var.default_dest_bucket : ""
    DEFAULT_DEST_PREFIX          = var.default_dest_prefix
    DEFAULT_DEST_REGION          = var.enable_bucket_events && var.default_dest_region != null ? var.default_dest_region : ""
    DEFAULT_DEST_BUCKET_OWNER    = var.enable_bucket_events && var.default_dest_bucket_owner != null ? var.default_dest_bucket_owner : ""
    EVENT_SOURCE_BUCKET          = var.enable_bucket_events && var.bucket_events_source_bucket != null ? var.bucket_events_source_bucket : ""
    EVENT_SOURCE_BUCKET_OWNER    = var.enable_bucket_events ? local.event_source_owner : ""
    EVENT_FILTER_PREFIX          = var.bucket_events_filter_prefix
    EVENT_FILTER_SUFFIX          = var.bucket_events_filter_suffix
    PROPAGATE_DELETES            = tostring(var.propagate_deletes)
    USE_CHECKSUMS                = tostring(var.use_checksums)
    SERVER_SIDE_COPY             = tostring(var.server_side_copy)
    DEADLINE_MARGIN_SECONDS      = tostring(var.deadline_margin_seconds)
    COMPARE_VERSION_ID           = tostring(var.compare_version_id)
    UPDATE_VERSION_ID            = tostring(var.update_version_id)
    GET_OBJECT_WITH_VERSION_ID   = tostring(var.get_object_with_version_id)
    POWERTOOLS_SERVICE_NAME      = local.worker_service_name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }
}

module "worker" {
  source = "./modules/lambda-function"

  function_name                  = local.worker_name
  role_name                      = local.iam_names.worker
  description                    = "s3-migrate worker: transfers the objects named by queued jobs, resuming multipart uploads"
  filename                       = local.worker_zip_path
  architecture                   = var.lambda_architecture
  memory_size                    = var.worker_memory_size
  timeout                        = var.worker_timeout
  reserved_concurrent_executions = var.worker_reserved_concurrency
  environment_variables          = local.worker_environment
  log_retention_in_days          = var.log_retention_in_days

  vpc_subnet_ids         = local.vpc_subnet_ids
  vpc_security_group_ids = local.vpc_security_group_ids

  inline_policies = { migrate = module.iam_policies.worker_policy_json }

  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "worker" {
  event_source_arn                   = module.queue.queue_arn
  function_name                      = module.worker.function_arn
  batch_size                         = var.worker_batch_size
  maximum_batching_window_in_seconds = 0
  function_response_types            = ["ReportBatchItemFailures"]

  # Caps concurrency at the mapping, so that excess messages wait in the queue instead of
  # being read, throttled and counted as receives.
  scaling_config {
    maximum_concurrency = var.worker_maximum_concurrency
  }
}

# S3's events drive the same worker from their own queue (only S3 may send to it).
resource "aws_lambda_event_source_mapping" "worker_events" {
  count = var.enable_bucket_events ? 1 : 0

  event_source_arn                   = module.queue.event_queue_arn
  function_name                      = module.worker.function_arn
  batch_size                         = var.worker_batch_size
  maximum_batching_window_in_seconds = 0
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.worker_maximum_concurrency
  }
}

################################################################################
# Jobsender
################################################################################

locals {
  # The contract with functions/jobsender: the worker's, minus the transfer knobs, plus what it
  # needs to warn when the largest object would not fit the worker's memory and to estimate the
  # run as the worker will copy it.
  jobsender_environment = {
    JOB_QUEUE_URL                = module.queue.queue_url
    MESSAGE_KEY_ID               = local.message_key_arn
    LEDGER_TABLE                 = module.ledger.table_name
    BUCKET_PAIRS_PARAMETER       = module.config.bucket_pairs_parameter_name
    IGNORE_LIST_PARAMETER        = module.config.ignore_list_parameter_name
    CREDENTIALS_PARAMETER        = local.credentials_parameter_env
    DIRECTION                    = var.direction
    MAX_ATTEMPTS                 = tostring(var.max_attempts)
    PROPAGATE_DELETES            = tostring(var.propagate_deletes)
    DEADLINE_MARGIN_SECONDS      = tostring(var.deadline_margin_seconds)
    COMPARE_VERSION_ID           = tostring(var.compare_version_id)
    WORKER_MEMORY_MIB            = tostring(var.worker_memory_size)
    PART_SIZE_MIB                = tostring(var.part_size_mib)
    PART_CONCURRENCY             = tostring(var.part_concurrency)
    FILE_CONCURRENCY             = tostring(var.file_concurrency)
    SMALL_OBJECT_THRESHOLD_MIB   = tostring(var.small_object_threshold_mib)
    FANOUT_THRESHOLD_MIB         = tostring(var.fanout_threshold_mib)
    FANOUT_RANGE_PARTS           = tostring(var.fanout_range_parts)
    COPY_TAGS                    = tostring(var.copy_tags)
    SERVER_SIDE_COPY             = tostring(var.server_side_copy)
    WORKER_BATCH_SIZE            = tostring(var.worker_batch_size)
    WORKER_TIMEOUT_SECONDS       = tostring(var.worker_timeout)
    BATCH_MAX_OBJECTS            = tostring(var.batch_max_objects)
    BATCH_MAX_MIB                = tostring(var.batch_max_mib)
    POWERTOOLS_SERVICE_NAME      = local.jobsender_service_name
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.log_level
  }
}

module "jobsender" {
  source = "./modules/lambda-function"

  create = var.create_jobsender

  function_name         = local.jobsender_name
  role_name             = local.iam_names.jobsender
  description           = "s3-migrate jobsender: compares the bucket pairs and queues the objects missing at the destination"
  filename              = local.jobsender_zip_path
  architecture          = var.lambda_architecture
  memory_size           = var.jobsender_memory_size
  timeout               = var.jobsender_timeout
  environment_variables = local.jobsender_environment
  log_retention_in_days = var.log_retention_in_days

  vpc_subnet_ids         = local.vpc_subnet_ids
  vpc_security_group_ids = local.vpc_security_group_ids

  inline_policies = { migrate = module.iam_policies.jobsender_policy_json }

  tags = var.tags
}

resource "aws_cloudwatch_event_rule" "jobsender" {
  count = var.create_jobsender ? 1 : 0

  name                = "${var.name_prefix}-jobsender-schedule"
  description         = "Runs the s3-migrate jobsender"
  schedule_expression = var.jobsender_schedule
  state               = var.jobsender_schedule_enabled ? "ENABLED" : "DISABLED"

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "jobsender" {
  count = var.create_jobsender ? 1 : 0

  rule      = aws_cloudwatch_event_rule.jobsender[0].name
  target_id = "jobsender"
  arn       = module.jobsender.function_arn
}

resource "aws_lambda_permission" "jobsender_schedule" {
  count = var.create_jobsender ? 1 : 0

  statement_id  = "AllowEventBridgeSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.jobsender.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.jobsender[0].arn
}

################################################################################
# S3 event trigger (optional)
################################################################################

module "bucket_events" {
  source = "./modules/bucket-events"
  count  = var.enable_bucket_events ? 1 : 0

  # false: the bucket's notification is the caller's, shared with others (bucket_events_queue_configuration)
  create = var.bucket_events_manage_notification

  bucket                 = var.bucket_events_source_bucket
  id                     = var.name_prefix
  queue_arn              = module.queue.event_queue_arn
  include_object_removed = var.propagate_deletes
  filter_prefix          = var.bucket_events_filter_prefix
  filter_suffix          = var.bucket_events_filter_suffix

  # S3 validates the destination with a test message, which the queue policy must allow.
  depends_on = [module.queue]
}

################################################################################
# Network (optional)
################################################################################

module "nat_instance" {
  source = "./modules/nat-instance"
  count  = var.enable_nat_instance ? 1 : 0

  name          = var.name_prefix
  iam_name      = local.iam_names.nat
  vpc_cidr      = var.vpc_cidr
  azs           = var.nat_azs
  instance_type = var.nat_instance_type
  architecture  = var.nat_architecture

  security_updates_schedule = var.nat_security_updates_schedule
  security_updates_reboot   = var.nat_security_updates_reboot

  tags = var.tags
}

################################################################################
# Monitoring
################################################################################

module "monitoring" {
  source = "./modules/monitoring"

  create = var.create_monitoring

  name                    = var.name_prefix
  dashboard_name          = local.dashboard_name
  worker_function_name    = local.worker_name
  jobsender_function_name = var.create_jobsender ? local.jobsender_name : null
  queue_name              = module.queue.queue_name
  dlq_name                = module.queue.dlq_name
  metrics_namespace       = local.metrics_namespace
  worker_service_name     = local.worker_service_name
  jobsender_service_name  = local.jobsender_service_name

  alarm_email                          = var.alarm_email
  sns_kms_master_key_id                = var.sns_kms_key_id
  create_sns_kms_key                   = var.create_sns_kms_key
  worker_errors_threshold              = var.worker_errors_alarm_threshold
  oldest_message_age_threshold_seconds = var.queue_age_alarm_seconds

  tags = var.tags
}
