terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Credentials and region usually come from the environment:
#   export HW_REGION_NAME=ap-southeast-1 HW_ACCESS_KEY=... HW_SECRET_KEY=...
provider "cce" {}

# Open Telekom Cloud, signing in with a password.
provider "cce" {
  alias       = "otc"
  cloud       = "otc.t-systems.com"
  region      = "eu-de"
  user_name   = var.otc_user
  password    = var.otc_password
  domain_name = var.otc_account
}

variable "otc_user" { type = string }
variable "otc_account" { type = string }
variable "otc_password" {
  type      = string
  sensitive = true
}
