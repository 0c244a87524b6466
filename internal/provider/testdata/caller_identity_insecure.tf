provider "cce" {
  insecure = true
}

data "cce_caller_identity" "me" {}
