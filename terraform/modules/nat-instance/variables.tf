################################################################################
# General
################################################################################

variable "create" {
  description = "Whether to create the VPC and NAT instance (true or false)."
  type        = bool
  default     = true
}

variable "name" {
  description = "Prefix of every resource name, 1 to 48 characters of letters, digits, `-` and `_`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "Expected `name` to be 1 to 48 characters of letters, digits, `-` and `_`."
  }
}

variable "iam_name" {
  description = "Name of the Session Manager role and instance profile, 1 to 64 characters; null (default) means `<name>-nat`. IAM names are account-wide: give a name that includes the region when one `name` is deployed in several regions."
  type        = string
  default     = null

  validation {
    condition     = var.iam_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", coalesce(var.iam_name, "-")))
    error_message = "Expected `iam_name` to be null or 1 to 64 characters of letters, digits and `+=,.@_-`."
  }
}

variable "tags" {
  description = "Tags added to every resource (at most 50 tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Network
################################################################################

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, a /16 to /20 (default `10.20.0.0/16`)."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(try(split("/", var.vpc_cidr)[1], "0")) >= 16 && tonumber(try(split("/", var.vpc_cidr)[1], "0")) <= 20
    error_message = "Expected `vpc_cidr` to be an IPv4 CIDR from /16 to /20, such as `10.20.0.0/16`."
  }
}

variable "azs" {
  description = "Availability zones of the private subnets, 1 to 6 (the public subnet uses the first); empty (default) picks the region's first two."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.azs) <= 6
    error_message = "Expected at most 6 `azs`."
  }
}

variable "public_subnet_cidr" {
  description = "CIDR of the public subnet holding the NAT instance; null (default) takes the first /24 (for a /16) of the VPC."
  type        = string
  default     = null

  validation {
    condition     = var.public_subnet_cidr == null || can(cidrhost(var.public_subnet_cidr, 0))
    error_message = "Expected `public_subnet_cidr` to be null or an IPv4 CIDR."
  }
}

variable "private_subnet_cidrs" {
  description = "CIDRs of the private subnets, one per AZ; empty (default) carves a /20 (for a /16) per AZ. Lambda shares network interfaces per subnet and security group, so small subnets suffice."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.private_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "Expected every `private_subnet_cidrs` element to be an IPv4 CIDR."
  }
}

variable "allowed_ports" {
  description = "TCP ports the NAT instance forwards from the private subnets and the only ports it and the functions may reach on the internet, 1 to 65535 (default `[443]`: the functions, AWS APIs and the Amazon Linux repositories all speak HTTPS). Port 22 is refused: the instance takes no SSH."
  type        = list(number)
  default     = [443]

  validation {
    condition     = length(var.allowed_ports) > 0 && alltrue([for p in var.allowed_ports : p >= 1 && p <= 65535 && p != 22])
    error_message = "Expected `allowed_ports` to be a non-empty list of ports from 1 to 65535, without 22."
  }
}

variable "create_gateway_endpoints" {
  description = "Whether to add S3 and DynamoDB gateway endpoints (free) to the private route table, so that same-region S3 and the ledger bypass the NAT instance (true, default, or false)."
  type        = bool
  default     = true
}

variable "manage_default_security_group" {
  description = "Whether to strip every rule from the VPC's default security group (true, default, or false)."
  type        = bool
  default     = true
}

################################################################################
# NAT instance
################################################################################

variable "instance_type" {
  description = "Instance type of the NAT instance (default `t4g.small`, up to 5 Gbps burst). Network-optimised types such as `c6gn.medium` sustain more. Must match `architecture`."
  type        = string
  default     = "t4g.small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "Expected `instance_type` to look like `t4g.small`."
  }
}

variable "architecture" {
  description = "Architecture of the instance type and AMI: `arm64` (default) or `x86_64`."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "Expected `architecture` to be `arm64` or `x86_64`."
  }
}

variable "ami_id" {
  description = "AMI of the NAT instance; null (default) reads the latest Amazon Linux 2023 from the public SSM parameter `ami_ssm_parameter`. The user data needs Amazon Linux 2023 (dnf, systemd)."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "Expected `ami_id` to be null or an AMI ID such as `ami-0123456789abcdef0`."
  }
}

variable "ami_ssm_parameter" {
  description = "Public SSM parameter giving the AMI when `ami_id` is null; null (default) means `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<architecture>`."
  type        = string
  default     = null
}

variable "root_volume_size" {
  description = "Size of the encrypted gp3 root volume, 8 to 64 GiB."
  type        = number
  default     = 8

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 64
    error_message = "Expected `root_volume_size` to be a number from 8 to 64."
  }
}

variable "enable_ssm_session_manager" {
  description = "Whether to give the instance a role with `AmazonSSMManagedInstanceCore`, for shell access through Session Manager instead of SSH (true or false, default)."
  type        = bool
  default     = false
}

################################################################################
# Patching
################################################################################

variable "security_updates_schedule" {
  description = "When the instance installs security updates from the latest Amazon Linux 2023 release, as a systemd `OnCalendar` expression (default `*-*-* 03:00:00`, daily at 03:00 UTC, plus up to 30 minutes of random delay); null for updates at first boot only. At most 64 characters of letters, digits, spaces and `*:,./~-`."
  type        = string
  default     = "*-*-* 03:00:00"

  validation {
    condition     = var.security_updates_schedule == null || can(regex("^[A-Za-z0-9 *:,./~-]{1,64}$", coalesce(var.security_updates_schedule, "-")))
    error_message = "Expected `security_updates_schedule` to be null or a systemd calendar expression such as `*-*-* 03:00:00` or `Sun 04:00` (letters, digits, spaces and `*:,./~-`, at most 64 characters)."
  }
}

variable "security_updates_reboot" {
  description = "Whether a scheduled update restarts the instance when an updated package needs it (kernel, glibc...; true or false, default). Transfers through it fail for about a minute and retry; without it such fixes wait for the next restart or replacement. The first boot always restarts when needed, before the functions use the instance."
  type        = bool
  default     = false
}
