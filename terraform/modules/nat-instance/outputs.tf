################################################################################
# VPC
################################################################################

output "vpc_id" {
  description = "ID of the VPC."
  value       = try(aws_vpc.this[0].id, null)
}

output "vpc_cidr_block" {
  description = "CIDR of the VPC."
  value       = try(aws_vpc.this[0].cidr_block, null)
}

################################################################################
# Subnets
################################################################################

output "public_subnet_id" {
  description = "ID of the public subnet holding the NAT instance."
  value       = try(aws_subnet.public[0].id, null)
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, for the functions' VPC configuration."
  value       = aws_subnet.private[*].id
}

output "private_subnet_cidrs" {
  description = "CIDRs of the private subnets."
  value       = aws_subnet.private[*].cidr_block
}

output "private_route_table_id" {
  description = "ID of the private route table (default route through the NAT instance)."
  value       = try(aws_route_table.private[0].id, null)
}

################################################################################
# Security groups
################################################################################

output "lambda_security_group_id" {
  description = "ID of the outbound-only security group for the functions."
  value       = try(aws_security_group.lambda[0].id, null)
}

output "nat_security_group_id" {
  description = "ID of the NAT instance's security group."
  value       = try(aws_security_group.nat[0].id, null)
}

################################################################################
# NAT instance
################################################################################

output "nat_instance_id" {
  description = "ID of the NAT instance."
  value       = try(aws_instance.this[0].id, null)
}

output "nat_network_interface_id" {
  description = "ID of the NAT instance's primary network interface (the private default route's target)."
  value       = try(aws_instance.this[0].primary_network_interface_id, null)
}

output "nat_public_ip" {
  description = "Elastic IP of the NAT instance: the address the other side sees (for bucket policies with aws:SourceIp)."
  value       = try(aws_eip.this[0].public_ip, null)
}
