# Offboarding: revoke every leaver's credentials on every cluster. Each pair gets
# its own resource (ID <cluster>/<kind>/<ID>), so adding a leaver or a cluster
# plans only the new revocations.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_ids" {
  description = "Clusters to cut the leavers off from."
  type        = list(string)
}

variable "leaver_user_ids" {
  description = "IAM user IDs of the people who left."
  type        = list(string)
}

data "cce_caller_identity" "me" {}

resource "cce_credential_revocation" "leavers" {
  for_each = {
    for pair in setproduct(var.cluster_ids, var.leaver_user_ids) : "${pair[0]}/${pair[1]}" => {
      cluster_id = pair[0]
      user_id    = pair[1]
    }
  }

  cluster_id   = each.value.cluster_id
  user_id      = each.value.user_id
  confirmation = "REVOKE"

  lifecycle {
    precondition {
      condition     = data.cce_caller_identity.me.is_admin
      error_message = "Only members of the admin group (or the account) may revoke other people's credentials."
    }
  }
}

output "revoked" {
  value = { for k, r in cce_credential_revocation.leavers : k => "${r.applicant_name} on ${r.cluster_name} (${r.cluster_version})" }
}
