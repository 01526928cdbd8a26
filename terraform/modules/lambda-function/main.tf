locals {
  log_group_name = "/aws/lambda/${var.function_name}"
  in_vpc         = length(var.vpc_subnet_ids) > 0
}

################################################################################
# Log group
################################################################################

# Created before the function, so that Lambda never creates it without retention and the
# role can be scoped to this one group.
resource "aws_cloudwatch_log_group" "this" {
  count = var.create ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_id

  tags = var.tags
}

################################################################################
# IAM role
################################################################################

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name                 = coalesce(var.role_name, var.function_name)
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

# The AWSLambdaBasicExecutionRole grants, narrowed from every log group to this function's own.
resource "aws_iam_role_policy" "logs" {
  count = var.create ? 1 : 0

  name = "logs"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteOwnLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.this[0].arn}:*"
    }]
  })
}

# The AWSLambdaVPCAccessExecutionRole grants. Lambda creates and deletes the function's
# network interfaces with this role before any interface ID exists, and the EC2 Describe*
# actions support no resource-level permissions, so `*` is the only resource that works here.
resource "aws_iam_role_policy" "vpc" {
  count = var.create && local.in_vpc ? 1 : 0

  name = "vpc-access"
  role = aws_iam_role.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "ManageFunctionNetworkInterfaces"
      Effect = "Allow"
      Action = [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "additional" {
  for_each = var.create ? var.inline_policies : {}

  name   = each.key
  role   = aws_iam_role.this[0].id
  policy = each.value
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  count = var.create ? 1 : 0

  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this[0].arn
  filename                       = var.filename
  source_code_hash               = filebase64sha256(var.filename)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions

  ephemeral_storage {
    size = var.ephemeral_storage_size
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [true] : []

    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  tags = var.tags

  # Permissions first: Lambda checks the VPC grants at creation, an event source mapping checks
  # the queue grants, and the first invocation must be able to log.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logs,
    aws_iam_role_policy.vpc,
    aws_iam_role_policy.additional,
  ]

  lifecycle {
    precondition {
      condition     = (length(var.vpc_subnet_ids) > 0) == (length(var.vpc_security_group_ids) > 0)
      error_message = "Expected `vpc_subnet_ids` and `vpc_security_group_ids` to be both set or both empty."
    }
  }
}
