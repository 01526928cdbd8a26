################################################################################
# Table
################################################################################

# One item per object (and per jobsender checkpoint): `pk`/`sk` are written by the code.
# `status` is a DynamoDB reserved word: the code must use expression attribute names for it.
resource "aws_dynamodb_table" "this" {
  count = var.create ? 1 : 0

  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  table_class                 = var.table_class
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "updated_at"
    type = "S"
  }

  # Lists objects by state (failed, in progress...) for the status and redrive CLI.
  global_secondary_index {
    name            = "by_status"
    hash_key        = "status"
    range_key       = "updated_at"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = var.ttl_attribute_name
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
