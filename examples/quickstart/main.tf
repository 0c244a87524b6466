# The quickstart that `make demo` applies against the mock cloud. Against a real
# account, set HW_REGION_NAME, HW_ACCESS_KEY and HW_SECRET_KEY (or the OS_*
# names of Open Telekom Cloud) and pass your own cluster and leaver IDs.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

provider "cce" {}

variable "cluster_id" {
  description = "Cluster to cut the leaver off from (the mock's \"prod\" cluster by default)."
  type        = string
  default     = "c0000000-0000-4000-8000-000000000001"
}

variable "leaver_user_id" {
  description = "IAM user ID of the person who left (the mock's dana.leaver by default)."
  type        = string
  default     = "1ea7e000000000000000000000000004"
}

# Who the provider is signed in as, and whether it may revoke other people's
# credentials (members of the admin group and the account itself may).
data "cce_caller_identity" "me" {}

# Every kubeconfig the leaver downloaded for the cluster stops working.
resource "cce_credential_revocation" "leaver" {
  cluster_id   = var.cluster_id
  user_id      = var.leaver_user_id
  confirmation = "REVOKE"
}

output "caller" {
  value = {
    user        = "${data.cce_caller_identity.me.user_name} (${data.cce_caller_identity.me.user_id})"
    account     = data.cce_caller_identity.me.domain_name
    is_admin    = data.cce_caller_identity.me.is_admin
    auth_method = data.cce_caller_identity.me.auth_method
  }
}

output "revoked" {
  value = "${cce_credential_revocation.leaver.applicant_name} on ${cce_credential_revocation.leaver.cluster_name} (${cce_credential_revocation.leaver.cluster_version}) at ${cce_credential_revocation.leaver.revoked_at}"
}
