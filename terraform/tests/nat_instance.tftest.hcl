# The nat-instance module alone: BBR and fq at boot, security updates at boot and on a timer,
# IMDSv2, no SSH, HTTPS-only egress, routes through the instance.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name = "t"
}

run "defaults" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  assert {
    condition = alltrue([for s in [
      "net.ipv4.tcp_congestion_control = bbr",
      "net.core.default_qdisc = fq",
      "net.ipv4.ip_forward = 1",
      "/etc/sysctl.d/",
      "MASQUERADE",
    ] : strcontains(aws_instance.this[0].user_data, s)])
    error_message = "The user data must enable forwarding, MASQUERADE, BBR and fq persistently."
  }

  assert {
    condition     = aws_instance.this[0].metadata_options[0].http_tokens == "required"
    error_message = "IMDSv2 must be required."
  }

  assert {
    condition     = aws_instance.this[0].source_dest_check == false
    error_message = "A NAT instance must not check source/destination."
  }

  assert {
    condition     = aws_instance.this[0].root_block_device[0].encrypted
    error_message = "The root volume must be encrypted."
  }

  assert {
    condition     = aws_instance.this[0].ami == "ami-0123456789abcdef0"
    error_message = "The AMI must come from the public SSM parameter by default."
  }

  assert {
    condition = alltrue([for r in aws_vpc_security_group_ingress_rule.nat :
      r.ip_protocol == "tcp" && !(r.from_port <= 22 && r.to_port >= 22) && contains(aws_subnet.private[*].cidr_block, r.cidr_ipv4)
    ])
    error_message = "The NAT instance may only accept non-SSH TCP from the private subnets."
  }

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.nat) == 2
    error_message = "One ingress rule (HTTPS) per private subnet."
  }

  assert {
    condition     = length(aws_subnet.private) == 2 && aws_subnet.private[0].availability_zone == "us-east-1a" && aws_subnet.private[1].availability_zone == "us-east-1b"
    error_message = "Two private subnets in the first two AZs by default."
  }

  assert {
    condition     = aws_route.private_nat[0].network_interface_id == aws_instance.this[0].primary_network_interface_id && aws_route.private_nat[0].destination_cidr_block == "0.0.0.0/0"
    error_message = "The private default route must go to the instance's primary interface."
  }

  assert {
    condition     = aws_eip.this[0].instance == aws_instance.this[0].id
    error_message = "The Elastic IP must be on the NAT instance."
  }

  assert {
    condition     = length(aws_iam_instance_profile.this) == 0
    error_message = "No instance profile unless Session Manager is asked for."
  }

  # Patched before it forwards anything, from the latest release (the AMI's own is frozen).
  assert {
    condition = alltrue([for s in [
      "--releasever=latest upgrade --security",
      "OnCalendar=*-*-* 03:00:00",
      "systemctl enable --now s3-migrate-security-updates.timer",
      "dnf needs-restarting -r",
    ] : strcontains(aws_instance.this[0].user_data, s)])
    error_message = "The user data must install security updates at boot and schedule them daily."
  }

  assert {
    condition     = strcontains(aws_instance.this[0].user_data, "--security") && !strcontains(aws_instance.this[0].user_data, "ExecStartPost")
    error_message = "Scheduled updates must not reboot the instance unless asked to."
  }

  # DNS (VPC resolver), NTP (Amazon Time Sync) and IMDS are link-local: no rule for them.
  assert {
    condition = alltrue([for r in concat(values(aws_vpc_security_group_egress_rule.nat), values(aws_vpc_security_group_egress_rule.lambda)) :
      r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443 && r.cidr_ipv4 == "0.0.0.0/0"
    ]) && length(aws_vpc_security_group_egress_rule.nat) == 1 && length(aws_vpc_security_group_egress_rule.lambda) == 1
    error_message = "The NAT instance and the functions may only reach TCP 443 on the internet."
  }
}

run "security_updates_schedule" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    security_updates_schedule = "Sun *-*-* 04:30:00"
    security_updates_reboot   = true
    allowed_ports             = [443, 8443]
  }

  assert {
    condition     = strcontains(aws_instance.this[0].user_data, "OnCalendar=Sun *-*-* 04:30:00") && strcontains(aws_instance.this[0].user_data, "ExecStartPost=/bin/sh -c 'dnf needs-restarting -r >/dev/null || systemctl reboot'")
    error_message = "The schedule and the reboot on need must reach the timer."
  }

  assert {
    condition     = toset(keys(aws_vpc_security_group_egress_rule.nat)) == toset(["443", "8443"])
    error_message = "Egress follows the forwarded ports."
  }
}

run "security_updates_at_boot_only" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    security_updates_schedule = null
  }

  assert {
    condition     = strcontains(aws_instance.this[0].user_data, "--releasever=latest upgrade --security") && !strcontains(aws_instance.this[0].user_data, "OnCalendar")
    error_message = "A null schedule keeps the boot-time updates and creates no timer."
  }
}

run "schedule_with_shell_characters_is_refused" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    security_updates_schedule = "daily\nExecStart=/bin/sh -c 'curl x|sh'"
  }

  expect_failures = [var.security_updates_schedule]
}

run "ssh_port_is_refused" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    allowed_ports = [443, 22]
  }

  expect_failures = [var.allowed_ports]
}

run "architecture_mismatch_is_refused" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    architecture = "x86_64"
  }

  expect_failures = [aws_instance.this]
}

run "create_false_creates_nothing" {
  command = plan

  module {
    source = "./modules/nat-instance"
  }

  variables {
    create = false
  }

  assert {
    condition = (
      length(aws_vpc.this) + length(aws_instance.this) + length(aws_eip.this) + length(aws_subnet.private) +
      length(aws_subnet.public) + length(aws_security_group.nat) + length(aws_route.private_nat) + length(aws_vpc_endpoint.gateway) +
      length(aws_vpc_security_group_egress_rule.nat) + length(aws_vpc_security_group_egress_rule.lambda) == 0
    )
    error_message = "create = false must create nothing."
  }
}
