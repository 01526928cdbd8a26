# The lambda-function module alone: log group first, scoped logging, VPC grants only in a VPC.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  function_name = "t-fn"
  filename      = "../.tmp/dummy.zip"
}

run "defaults" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  assert {
    condition     = aws_lambda_function.this[0].runtime == "nodejs22.x" && aws_lambda_function.this[0].architectures == tolist(["arm64"])
    error_message = "Default runtime nodejs22.x on arm64."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/lambda/t-fn" && aws_cloudwatch_log_group.this[0].retention_in_days == 30
    error_message = "The log group must be /aws/lambda/<name> with a retention."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.logs[0].policy).Statement[0].Resource == "${aws_cloudwatch_log_group.this[0].arn}:*"
    error_message = "Logging must be scoped to the function's own log group."
  }

  assert {
    condition     = length(aws_iam_role_policy.vpc) == 0 && length(aws_lambda_function.this[0].vpc_config) == 0
    error_message = "No VPC configuration or ENI grants outside a VPC."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the role."
  }
}

run "in_vpc_with_extra_policy" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    vpc_subnet_ids         = ["subnet-1", "subnet-2"]
    vpc_security_group_ids = ["sg-1"]
    environment_variables  = { FOO = "bar" }
    inline_policies        = { extra = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  assert {
    condition     = length(aws_iam_role_policy.vpc) == 1 && aws_lambda_function.this[0].vpc_config[0].subnet_ids == toset(["subnet-1", "subnet-2"])
    error_message = "A VPC function needs its VPC configuration and ENI grants."
  }

  assert {
    condition     = aws_iam_role_policy.additional["extra"].name == "extra"
    error_message = "Extra inline policies must be attached by name."
  }

  assert {
    condition     = aws_lambda_function.this[0].environment[0].variables["FOO"] == "bar"
    error_message = "Environment variables must be set."
  }
}

run "half_vpc_config_is_refused" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    vpc_subnet_ids = ["subnet-1"]
  }

  expect_failures = [aws_lambda_function.this]
}

run "bad_values_are_refused" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    memory_size           = 64
    timeout               = 901
    architecture          = "sparc"
    log_retention_in_days = 2
  }

  expect_failures = [var.memory_size, var.timeout, var.architecture, var.log_retention_in_days]
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/lambda-function"
  }

  variables {
    create = false
  }

  assert {
    condition     = length(aws_lambda_function.this) + length(aws_iam_role.this) + length(aws_cloudwatch_log_group.this) + length(aws_iam_role_policy.logs) == 0
    error_message = "create = false must create nothing."
  }
}
