################################################################################
# Table
################################################################################

output "table_name" {
  description = "Name of the ledger table."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "table_id" {
  description = "ID of the ledger table (its name)."
  value       = try(aws_dynamodb_table.this[0].id, null)
}

output "table_arn" {
  description = "ARN of the ledger table."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}

output "index_arns" {
  description = "ARNs of the table's global secondary indexes, by index name."
  value       = try({ for gsi in aws_dynamodb_table.this[0].global_secondary_index : gsi.name => "${aws_dynamodb_table.this[0].arn}/index/${gsi.name}" }, {})
}

output "ttl_attribute_name" {
  description = "Attribute holding the expiry time of an item."
  value       = try(aws_dynamodb_table.this[0].ttl[0].attribute_name, null)
}
