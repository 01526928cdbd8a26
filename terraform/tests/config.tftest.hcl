# The config module alone: parameter values and the credentials toggle.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  bucket_pairs_parameter_name = "/t/bucket-pairs"
  ignore_list_parameter_name  = "/t/ignore-list"
  bucket_pairs = [
    { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy" },
  ]
}

run "defaults" {
  command = plan

  module {
    source = "./modules/config"
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.bucket_pairs[0].value) == [{ src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy" }]
    error_message = "The bucket pairs must be stored as the JSON list the code reads."
  }

  assert {
    condition     = aws_ssm_parameter.bucket_pairs[0].type == "String" && aws_ssm_parameter.ignore_list[0].type == "String"
    error_message = "Bucket pairs and ignore list are String parameters."
  }

  assert {
    condition     = startswith(aws_ssm_parameter.ignore_list[0].value, "#")
    error_message = "An empty ignore list must still be a non-empty value (a comment line)."
  }

  assert {
    condition     = length(aws_ssm_parameter.credentials) == 0
    error_message = "The credentials parameter is created out of band by default."
  }

  assert {
    condition     = output.credentials_parameter_arn == "arn:aws:ssm:us-east-1:111122223333:parameter/s3_migration_credentials"
    error_message = "The credentials parameter ARN must be derived from its name: ${output.credentials_parameter_arn}."
  }

  assert {
    condition     = contains(output.parameter_arns, output.credentials_parameter_arn) && length(output.parameter_arns) == 3
    error_message = "The functions must be granted all three parameters."
  }
}

run "ignore_list_lines" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    ignore_list = ["*.jpg", "*/readme.md"]
  }

  assert {
    condition     = slice(split("\n", aws_ssm_parameter.ignore_list[0].value), 1, 3) == tolist(["*.jpg", "*/readme.md"])
    error_message = "The ignore list must hold one glob per line after the comment header."
  }
}

run "created_credentials" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    credentials_parameter_name   = "/t/credentials"
    create_credentials_parameter = true
    credentials                  = { aws_access_key_id = "AKIAEXAMPLE", aws_secret_access_key = "secret", region = "cn-northwest-1" }
  }

  assert {
    condition     = aws_ssm_parameter.credentials[0].type == "SecureString"
    error_message = "The credentials must be a SecureString."
  }
}

run "reserved_parameter_prefix_is_refused" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    bucket_pairs_parameter_name = "/aws/pairs"
  }

  expect_failures = [var.bucket_pairs_parameter_name]
}

run "wildcard_prefix_is_refused" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "data*", des_bucket = "dst-a", des_prefix = "" }]
  }

  expect_failures = [var.bucket_pairs]
}
