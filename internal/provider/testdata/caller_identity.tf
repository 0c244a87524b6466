data "cce_caller_identity" "me" {}
