provider "aws" {
  region = var.region
}

################################################################################
# Two deployments of s3-migrate in one account and region, one each way
################################################################################

# Global -> China: the role reads the Global bucket, the China key in
# /<prefix>-to-china/credentials writes the China bucket.
module "to_china" {
  source = "../../"

  name_prefix = "${var.name_prefix}-to-china"

  # Bundles built by `pnpm build` (null: the repository's functions/*/dist/*.zip).
  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  direction = "PUT"
  bucket_pairs = [{
    src_bucket = var.global_bucket
    src_prefix = var.global_outgoing_prefix
    des_bucket = var.china_bucket
    des_prefix = var.china_incoming_folder
    des_region = var.china_region
  }]

  alarm_email = var.alarm_email
}

# China -> Global: the China key in /<prefix>-from-china/credentials reads the China bucket, the
# role writes the Global bucket.
module "from_china" {
  source = "../../"

  name_prefix = "${var.name_prefix}-from-china"

  worker_zip_path    = var.worker_zip_path
  jobsender_zip_path = var.jobsender_zip_path

  direction = "GET"
  bucket_pairs = [{
    src_bucket = var.china_bucket
    src_prefix = var.china_outgoing_prefix
    src_region = var.china_region
    des_bucket = var.global_bucket
    des_prefix = var.global_incoming_folder
  }]

  alarm_email = var.alarm_email
}

# The two directions must not feed each other: what one writes must lie outside what the other
# reads, or each copy would be copied back, one folder deeper every pass.
check "directions_do_not_loop" {
  assert {
    condition = alltrue([for pair in [
      [join("", [for f in [trimsuffix(var.china_incoming_folder, "/")] : "${f}/" if f != ""], [var.global_outgoing_prefix]), var.china_outgoing_prefix],
      [join("", [for f in [trimsuffix(var.global_incoming_folder, "/")] : "${f}/" if f != ""], [var.china_outgoing_prefix]), var.global_outgoing_prefix],
    ] : !startswith(pair[0], pair[1]) && !startswith(pair[1], pair[0])])
    error_message = "One direction writes where the other reads (an `*_incoming_folder` and the other side's `*_outgoing_prefix` overlap): objects would travel back and forth."
  }
}
