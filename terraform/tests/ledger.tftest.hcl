# The ledger module alone: keys and index the code needs, recovery, encryption, TTL.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name = "t-ledger"
}

run "defaults" {
  command = plan

  module {
    source = "./modules/ledger"
  }

  assert {
    condition     = aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST"
    error_message = "The ledger must be on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].hash_key == "pk" && aws_dynamodb_table.this[0].range_key == "sk"
    error_message = "The ledger's keys must be pk/sk."
  }

  assert {
    condition = anytrue([for gsi in aws_dynamodb_table.this[0].global_secondary_index :
      gsi.name == "by_status" && gsi.hash_key == "status" && gsi.range_key == "updated_at" && gsi.projection_type == "ALL"
    ])
    error_message = "The ledger needs the by_status index (status, updated_at, ALL)."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery must be on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].enabled
    error_message = "Encryption at rest must be on."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].ttl[0].enabled && aws_dynamodb_table.this[0].ttl[0].attribute_name == "expires_at"
    error_message = "TTL must be on, on expires_at."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].deletion_protection_enabled == false
    error_message = "Deletion protection is off by default."
  }
}

run "cmk_and_deletion_protection" {
  command = plan

  module {
    source = "./modules/ledger"
  }

  variables {
    kms_key_arn                 = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555"
    deletion_protection_enabled = true
  }

  assert {
    condition     = aws_dynamodb_table.this[0].server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "The given CMK must encrypt the table."
  }

  assert {
    condition     = aws_dynamodb_table.this[0].deletion_protection_enabled
    error_message = "Deletion protection must follow its toggle."
  }
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/ledger"
  }

  variables {
    create = false
  }

  assert {
    condition     = length(aws_dynamodb_table.this) == 0
    error_message = "create = false must create nothing."
  }
}
