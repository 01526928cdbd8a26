data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region        = data.aws_region.current.name
  partition     = data.aws_partition.current.partition
  account_id    = data.aws_caller_identity.current.account_id
  ns            = var.metrics_namespace
  has_jobsender = var.jobsender_function_name != null

  create_dashboard = var.create && var.create_dashboard
  create_alarms    = var.create && var.create_alarms
  create_topic     = var.create && var.create_sns_topic

  topic_arn     = try(aws_sns_topic.this[0].arn, var.sns_topic_arn)
  alarm_actions = local.topic_arn != null ? [local.topic_arn] : []

  # CloudWatch alarms cannot publish to a topic encrypted with the AWS managed `alias/aws/sns`
  # key (its policy cannot be changed to let cloudwatch.amazonaws.com use it): without a key of
  # the caller's, the module creates one whose policy allows exactly these alarms.
  create_topic_key = local.create_topic && var.sns_kms_master_key_id == null && var.create_sns_kms_key
  topic_kms_key_id = var.sns_kms_master_key_id != null ? var.sns_kms_master_key_id : try(aws_kms_key.sns[0].arn, null)

  # Every alarm of this module is named `<name>-...`; only they may publish (confused deputy).
  alarm_arn_pattern = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*"
  cloudwatch_source_condition = {
    StringEquals = { "aws:SourceAccount" = local.account_id }
    ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
  }
}

################################################################################
# Notifications
################################################################################

resource "aws_kms_key" "sns" {
  count = local.create_topic_key ? 1 : 0

  description             = "${var.name}: encrypts the alarm topic ${var.name}-alarms (CloudWatch alarms may use it)"
  enable_key_rotation     = true
  deletion_window_in_days = var.sns_kms_key_deletion_window_in_days
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The default key policy: IAM policies of this account decide who else may use the key.
        Sid       = "EnableIamPolicies"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowCloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = local.cloudwatch_source_condition
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "sns" {
  count = local.create_topic_key ? 1 : 0

  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.sns[0].key_id
}

resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-alarms"
  kms_master_key_id = local.topic_kms_key_id

  tags = var.tags
}

# Replaces the default topic policy (which lets every principal of the account publish): the
# account's own principals keep the access their IAM policies give them; the alarms of this
# module are allowed explicitly; nothing may publish without TLS.
resource "aws_sns_topic_policy" "this" {
  count = local.create_topic ? 1 : 0

  arn = aws_sns_topic.this[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowCloudWatchAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this[0].arn
        Condition = local.cloudwatch_source_condition
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this[0].arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  count = local.create_topic && var.alarm_email != null ? 1 : 0

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

################################################################################
# Dashboard
################################################################################

locals {
  functions = concat(
    [{ label = "worker", name = var.worker_function_name }],
    local.has_jobsender ? [{ label = "jobsender", name = var.jobsender_function_name }] : [],
  )
  queues = [{ label = "jobs", name = var.queue_name }, { label = "dlq", name = var.dlq_name }]

  # EMF metrics are read with the one dimension Powertools adds by default, `service`: the code
  # must not add default dimensions, or these graphs stay empty.
  graphs = [
    {
      title = "Transfer: bytes per period"
      stat  = "Sum"
      metrics = [for m in ["BytesRead", "BytesWritten", "BytesCompleted"] :
        [local.ns, m, "service", var.worker_service_name, { label = m }]
      ]
    },
    {
      title = "Objects per period"
      stat  = "Sum"
      metrics = concat(
        [for m in ["ObjectsDone", "ObjectsFailed", "ObjectsSkipped"] :
          [local.ns, m, "service", var.worker_service_name, { label = m }]
        ],
        local.has_jobsender ? [[local.ns, "ObjectsQueued", "service", var.jobsender_service_name, { label = "ObjectsQueued" }]] : [],
      )
    },
    {
      # Refused and malformed messages also land in the DLQ (its alarm fires); the rest are
      # settled without a copy: duplicates of a live lease, stale S3 events, ignored keys.
      title = "Trust boundary and duplicates"
      stat  = "Sum"
      metrics = [for m in ["MessagesRefused", "MalformedMessages", "UnauthenticatedMessages", "DuplicateDeliveries", "StaleEvents", "ObjectsBusy", "LeasesLost", "ObjectsIgnored", "DeletesSkipped"] :
        [local.ns, m, "service", var.worker_service_name, { label = m }]
      ]
    },
    {
      title = "Resumes and continuations"
      stat  = "Sum"
      metrics = [for m in ["PartsResumed", "Continuations"] :
        [local.ns, m, "service", var.worker_service_name, { label = m }]
      ]
    },
    {
      # Giant objects split into range jobs; a range counts done once, whatever its deliveries.
      title = "Fan-out: giant objects and their ranges"
      stat  = "Sum"
      metrics = [for m in ["ObjectsFannedOut", "RangesQueued", "RangesDone", "RangesFailed", "FanoutRestarts"] :
        [local.ns, m, "service", var.worker_service_name, { label = m }]
      ]
    },
    {
      title = "Transfer duration per object"
      stat  = "Average"
      metrics = [for s in ["p50", "p90", "Maximum"] :
        [local.ns, "TransferDuration", "service", var.worker_service_name, { stat = s, label = "TransferDuration ${s}" }]
      ]
    },
    {
      title = "Lambda invocations, errors, throttles"
      stat  = "Sum"
      metrics = flatten([for f in local.functions : [for m in ["Invocations", "Errors", "Throttles"] :
        [["AWS/Lambda", m, "FunctionName", f.name, { label = "${f.label} ${m}" }]]
      ]])
    },
    {
      title   = "Lambda concurrent executions"
      stat    = "Maximum"
      metrics = [for f in local.functions : ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", f.name, { label = f.label }]]
    },
    {
      title = "Lambda duration (ms)"
      stat  = "Average"
      metrics = flatten([for f in local.functions : [for s in ["Average", "Maximum"] :
        [["AWS/Lambda", "Duration", "FunctionName", f.name, { stat = s, label = "${f.label} ${s}" }]]
      ]])
    },
    {
      title = "Queue depth"
      stat  = "Maximum"
      metrics = flatten([for q in local.queues : [for m in ["ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible"] :
        [["AWS/SQS", m, "QueueName", q.name, { label = "${q.label} ${trimprefix(m, "ApproximateNumberOf")}" }]]
      ]])
    },
    {
      title   = "Age of oldest message (s)"
      stat    = "Maximum"
      metrics = [for q in local.queues : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.name, { label = q.label }]]
    },
  ]

  dashboard_body = jsonencode({
    widgets = concat(
      [{
        type   = "text"
        x      = 0
        y      = 0
        width  = 24
        height = 2
        properties = {
          markdown = "## ${var.name}\nTransfer metrics come from the functions' EMF logs (namespace `${local.ns}`). Dead-letter messages need attention: see the `dlq` lines."
        }
      }],
      [for i, g in local.graphs : {
        type   = "metric"
        x      = (i % 2) * 12
        y      = 2 + floor(i / 2) * 6
        width  = 12
        height = 6
        properties = {
          title   = g.title
          region  = local.region
          view    = "timeSeries"
          stacked = false
          stat    = g.stat
          period  = var.dashboard_period_seconds
          metrics = g.metrics
        }
      }],
    )
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  count = local.create_dashboard ? 1 : 0

  dashboard_name = coalesce(var.dashboard_name, var.name)
  dashboard_body = local.dashboard_body
}

################################################################################
# Alarms
################################################################################

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-dlq-not-empty"
  alarm_description   = "Jobs reached the dead-letter queue ${var.dlq_name}: they failed every receive. Inspect, fix, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "worker_errors" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-worker-errors"
  alarm_description   = "The worker ${var.worker_function_name} failed more than ${var.worker_errors_threshold} invocations in ${var.alarm_period_seconds} s."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.worker_function_name }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.worker_errors_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "worker_throttles" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-worker-throttles"
  alarm_description   = "The worker ${var.worker_function_name} was throttled: the account or reserved concurrency is below the queue's maximum concurrency."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = var.worker_function_name }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_oldest_message_age" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-queue-oldest-message-age"
  alarm_description   = "The oldest job in ${var.queue_name} waited more than ${var.oldest_message_age_threshold_seconds} s: workers are stalled or too few."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.queue_name }
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_age_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# A continuation that made no progress since the one before it (no part more at the destination)
# is counted as StalledContinuations; three in a row end in the DLQ as NoProgress. One is already
# worth a look: a source that throttles every read, a destination that refuses every part.
resource "aws_cloudwatch_metric_alarm" "continuations_stalled" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${var.name}-continuations-stalled"
  alarm_description   = "A transfer continued in a new invocation without a part more done than before: the worker is stuck on it (three in a row dead-letter it as NoProgress)."
  namespace           = local.ns
  metric_name         = "StalledContinuations"
  dimensions          = { service = var.worker_service_name }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "jobsender_errors" {
  count = local.create_alarms && local.has_jobsender ? 1 : 0

  alarm_name          = "${var.name}-jobsender-errors"
  alarm_description   = "The jobsender ${coalesce(var.jobsender_function_name, "-")} failed: new objects are not being queued."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = coalesce(var.jobsender_function_name, "-") }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}
