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

run "regions_and_owners_where_given" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    bucket_pairs = [
      { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy", src_region = "eu-west-1", des_owner = "444455556666" },
      { src_bucket = "src-b", src_prefix = "", des_bucket = "dst-b", des_prefix = "", des_region = "cn-northwest-1", src_owner = "111122223333" },
    ]
  }

  # Exactly the fields given: the code refuses unknown fields, and a null is no value.
  assert {
    condition = jsondecode(aws_ssm_parameter.bucket_pairs[0].value) == [
      { src_bucket = "src-a", src_prefix = "data/", des_bucket = "dst-a", des_prefix = "copy", src_region = "eu-west-1", des_owner = "444455556666" },
      { src_bucket = "src-b", src_prefix = "", des_bucket = "dst-b", des_prefix = "", des_region = "cn-northwest-1", src_owner = "111122223333" },
    ] && !strcontains(aws_ssm_parameter.bucket_pairs[0].value, "null")
    error_message = "Regions and owners are stored where given, and nothing else."
  }
}

run "bad_regions_and_owners_are_refused" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "", des_bucket = "dst-a", des_prefix = "", src_region = "Europe", des_owner = "4444-5555-6666" }]
  }

  expect_failures = [var.bucket_pairs]
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

  # Write-only: the plan (and so the state) holds no value, only the version that triggers a write.
  assert {
    condition     = aws_ssm_parameter.credentials[0].value_wo == null && aws_ssm_parameter.credentials[0].value_wo_version == 1
    error_message = "The credentials must be written with the write-only value_wo (version 1)."
  }
}

run "created_credentials_with_endpoint_and_new_version" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    credentials_parameter_name   = "/t/credentials"
    create_credentials_parameter = true
    credentials_version          = 2
    credentials = {
      aws_access_key_id     = "AKIAEXAMPLE"
      aws_secret_access_key = "secret"
      region                = "cn-northwest-1"
      endpoint              = "https://s3.cn-northwest-1.amazonaws.com.cn"
    }
  }

  assert {
    condition     = aws_ssm_parameter.credentials[0].value_wo_version == 2
    error_message = "A new credentials_version must rewrite the parameter."
  }
}

run "credentials_endpoint_must_be_a_url" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    credentials_parameter_name   = "/t/credentials"
    create_credentials_parameter = true
    credentials                  = { aws_access_key_id = "AKIAEXAMPLE", aws_secret_access_key = "secret", region = "cn-northwest-1", endpoint = "s3.example.com" }
  }

  expect_failures = [var.credentials]
}

run "created_credentials_need_a_value" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    credentials_parameter_name   = "/t/credentials"
    create_credentials_parameter = true
  }

  expect_failures = [aws_ssm_parameter.credentials]
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

# An IAM policy variable in a prefix would be expanded by IAM (`${aws:username}`, `${*}`).
run "policy_variable_in_prefix_is_refused" {
  command = plan

  module {
    source = "./modules/config"
  }

  variables {
    bucket_pairs = [{ src_bucket = "src-a", src_prefix = "home/$${aws:username}/", des_bucket = "dst-a", des_prefix = "" }]
  }

  expect_failures = [var.bucket_pairs]
}
