terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

data "cce_caller_identity" "me" {}

# Warn early when the credentials cannot revoke other people's access. is_admin
# is null when the provider cannot tell (an agency session, a federated user):
# CCE decides then.
check "can_revoke_others" {
  assert {
    condition     = data.cce_caller_identity.me.is_admin != false
    error_message = "${data.cce_caller_identity.me.user_name} is not in the admin group and may revoke only their own credential."
  }
}
