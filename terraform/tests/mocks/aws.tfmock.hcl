# Known values for what the assertions read; everything else the mock provider makes up.
# Used with `override_during = plan`, so plan-only runs see them.

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "us-east-1"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "111122223333"
  }
}

mock_data "aws_availability_zones" {
  defaults = {
    names = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }
}

mock_data "aws_ssm_parameter" {
  defaults = {
    insecure_value = "ami-0123456789abcdef0"
  }
}

mock_data "aws_ec2_instance_type" {
  defaults = {
    supported_architectures = ["arm64"]
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:us-east-1:111122223333:mock-queue"
    url = "https://sqs.us-east-1.amazonaws.com/111122223333/mock-queue"
    id  = "https://sqs.us-east-1.amazonaws.com/111122223333/mock-queue"
  }
}

mock_resource "aws_dynamodb_table" {
  defaults = {
    arn = "arn:aws:dynamodb:us-east-1:111122223333:table/mock-ledger"
  }
}

mock_resource "aws_ssm_parameter" {
  defaults = {
    arn = "arn:aws:ssm:us-east-1:111122223333:parameter/mock"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:us-east-1:111122223333:mock-alarms"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/mock"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn = "arn:aws:lambda:us-east-1:111122223333:function:mock"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::111122223333:role/mock"
  }
}

mock_resource "aws_instance" {
  defaults = {
    id                           = "i-0123456789abcdef0"
    primary_network_interface_id = "eni-0123456789abcdef0"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:us-east-1:111122223333:key/mock-key"
    key_id = "mock-key"
  }
}

# A policy document the provider would accept (the made-up string is no JSON).
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}
