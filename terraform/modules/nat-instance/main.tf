data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  count = var.create && length(var.azs) == 0 ? 1 : 0

  state = "available"
}

data "aws_ssm_parameter" "ami" {
  count = var.create && var.ami_id == null ? 1 : 0

  name = coalesce(var.ami_ssm_parameter, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.architecture}")
}

data "aws_ec2_instance_type" "this" {
  count = var.create ? 1 : 0

  instance_type = var.instance_type
}

locals {
  available_azs = try(data.aws_availability_zones.available[0].names, [])
  azs           = length(var.azs) > 0 ? var.azs : slice(local.available_azs, 0, min(2, length(local.available_azs)))

  public_subnet_cidr   = coalesce(var.public_subnet_cidr, cidrsubnet(var.vpc_cidr, 8, 0))
  private_subnet_cidrs = length(var.private_subnet_cidrs) > 0 ? var.private_subnet_cidrs : [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, i + 1)]

  # Every (private CIDR, port) pair the NAT instance accepts.
  ingress = { for pair in setproduct(local.private_subnet_cidrs, var.allowed_ports) : "${pair[0]}-${pair[1]}" => {
    cidr = pair[0]
    port = pair[1]
  } }

  # Public parameters are plain Strings: `insecure_value` keeps the AMI ID readable in plans.
  ami_id = var.ami_id != null ? var.ami_id : try(data.aws_ssm_parameter.ami[0].insecure_value, null)

  user_data = templatefile("${path.module}/templates/user-data.sh.tftpl", {
    vpc_cidr                  = var.vpc_cidr
    security_updates_schedule = var.security_updates_schedule == null ? "" : var.security_updates_schedule
    security_updates_reboot   = var.security_updates_reboot
  })

  # The instance's own egress and the traffic it forwards are both checked against its
  # security group: TCP on the forwarded ports (HTTPS by default) covers the functions' calls
  # and the Amazon Linux repositories (served over HTTPS). DNS (the VPC resolver), NTP (Amazon
  # Time Sync) and the instance metadata service are link-local and not filtered by security
  # groups, so they need no rule.
  egress_ports = toset([for p in var.allowed_ports : tostring(p)])
}

################################################################################
# VPC
################################################################################

resource "aws_vpc" "this" {
  count = var.create ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_default_security_group" "this" {
  count = var.create && var.manage_default_security_group ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-default" })
}

resource "aws_internet_gateway" "this" {
  count = var.create ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = var.name })
}

################################################################################
# Public subnet
################################################################################

resource "aws_subnet" "public" {
  count = var.create ? 1 : 0

  vpc_id                  = aws_vpc.this[0].id
  cidr_block              = local.public_subnet_cidr
  availability_zone       = local.azs[0]
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route_table" "public" {
  count = var.create ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  count = var.create ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = var.create ? 1 : 0

  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public[0].id
}

################################################################################
# Private subnets
################################################################################

resource "aws_subnet" "private" {
  count = var.create ? length(local.azs) : 0

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = local.private_subnet_cidrs[count.index]
  availability_zone = local.azs[count.index]

  tags = merge(var.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })

  lifecycle {
    precondition {
      condition     = length(local.private_subnet_cidrs) == length(local.azs)
      error_message = "Expected one `private_subnet_cidrs` element per AZ (${length(local.azs)})."
    }
  }
}

resource "aws_route_table" "private" {
  count = var.create ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-private" })
}

# Everything leaving the private subnets goes through the NAT instance's primary interface.
resource "aws_route" "private_nat" {
  count = var.create ? 1 : 0

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.this[0].primary_network_interface_id
}

resource "aws_route_table_association" "private" {
  count = var.create ? length(local.azs) : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

data "aws_vpc_endpoint_service" "gateway" {
  for_each = var.create && var.create_gateway_endpoints ? toset(["s3", "dynamodb"]) : toset([])

  service      = each.key
  service_type = "Gateway"
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = data.aws_vpc_endpoint_service.gateway

  vpc_id            = aws_vpc.this[0].id
  service_name      = each.value.service_name
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private[0].id]

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

################################################################################
# Security groups
################################################################################

resource "aws_security_group" "nat" {
  count = var.create ? 1 : 0

  name        = "${var.name}-nat"
  description = "s3-migrate NAT instance: forwarded HTTPS from the private subnets only, no SSH"
  vpc_id      = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-nat" })
}

resource "aws_vpc_security_group_ingress_rule" "nat" {
  for_each = var.create ? local.ingress : {}

  security_group_id = aws_security_group.nat[0].id
  description       = "TCP ${each.value.port} from private subnet ${each.value.cidr}"
  cidr_ipv4         = each.value.cidr
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "nat" {
  for_each = var.create ? local.egress_ports : toset([])

  security_group_id = aws_security_group.nat[0].id
  description       = "TCP ${each.key} to the internet: forwarded function traffic and the OS repositories"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)

  tags = var.tags
}

# Was one all-traffic rule; the HTTPS rule takes its place instead of being recreated.
moved {
  from = aws_vpc_security_group_egress_rule.nat[0]
  to   = aws_vpc_security_group_egress_rule.nat["443"]
}

resource "aws_security_group" "lambda" {
  count = var.create ? 1 : 0

  name        = "${var.name}-lambda"
  description = "s3-migrate functions: outbound only"
  vpc_id      = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-lambda" })
}

# The functions only speak HTTPS (AWS APIs, the gateway endpoints, the other partition), and the
# NAT instance forwards nothing else; DNS goes to the VPC resolver, which no rule filters.
resource "aws_vpc_security_group_egress_rule" "lambda" {
  for_each = var.create ? local.egress_ports : toset([])

  security_group_id = aws_security_group.lambda[0].id
  description       = "TCP ${each.key} to AWS APIs and the other partition"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)

  tags = var.tags
}

moved {
  from = aws_vpc_security_group_egress_rule.lambda[0]
  to   = aws_vpc_security_group_egress_rule.lambda["443"]
}

################################################################################
# Session Manager (optional)
################################################################################

resource "aws_iam_role" "this" {
  count = var.create && var.enable_ssm_session_manager ? 1 : 0

  name = coalesce(var.iam_name, "${var.name}-nat")
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count = var.create && var.enable_ssm_session_manager ? 1 : 0

  role       = aws_iam_role.this[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  count = var.create && var.enable_ssm_session_manager ? 1 : 0

  name = coalesce(var.iam_name, "${var.name}-nat")
  role = aws_iam_role.this[0].name

  tags = var.tags
}

################################################################################
# NAT instance
################################################################################

resource "aws_instance" "this" {
  count = var.create ? 1 : 0

  ami                         = local.ami_id
  instance_type               = var.instance_type
  subnet_id                   = aws_subnet.public[0].id
  vpc_security_group_ids      = [aws_security_group.nat[0].id]
  iam_instance_profile        = try(aws_iam_instance_profile.this[0].name, null)
  associate_public_ip_address = true # internet at first boot, before the Elastic IP attaches
  source_dest_check           = false
  user_data                   = local.user_data
  user_data_replace_on_change = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = var.root_volume_size
    encrypted   = true
  }

  tags        = merge(var.tags, { Name = "${var.name}-nat" })
  volume_tags = merge(var.tags, { Name = "${var.name}-nat" })

  lifecycle {
    # A newer Amazon Linux release must not replace the instance (and cut every transfer)
    # on an unrelated apply: replace it deliberately with `terraform apply -replace`.
    ignore_changes = [ami]

    precondition {
      condition     = contains(try(data.aws_ec2_instance_type.this[0].supported_architectures, [var.architecture]), var.architecture)
      error_message = "The instance type ${var.instance_type} does not support ${var.architecture}: pick a matching `instance_type` or `architecture`."
    }
  }

  depends_on = [aws_route.public_internet]
}

resource "aws_eip" "this" {
  count = var.create ? 1 : 0

  domain   = "vpc"
  instance = aws_instance.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-nat" })

  depends_on = [aws_internet_gateway.this]
}
