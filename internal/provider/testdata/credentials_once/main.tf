# Every user on every cluster: N revocations whose checks all need the same
# credentials, the same user list and the same caller, for the tests that
# count what one provider process sends when the credentials are wrong.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "clusters" {
  type = list(string)
}

variable "users" {
  type = list(string)
}

resource "cce_credential_revocation" "r" {
  for_each = { for p in setproduct(var.users, var.clusters) : "${p[0]}/${p[1]}" => p }

  cluster_id   = each.value[1]
  user_id      = each.value[0]
  confirmation = "REVOKE"
}
