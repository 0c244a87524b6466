terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

data "cce_caller_identity" "me" {}

# Stop a pipeline early when its credentials cannot revoke other people's access.
check "can_revoke_others" {
  assert {
    condition     = data.cce_caller_identity.me.is_admin
    error_message = "${data.cce_caller_identity.me.user_name} is not in the admin group and may revoke only their own credential."
  }
}
