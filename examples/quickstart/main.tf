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
  description = "Cluster to cut people off from (the mock's \"prod\" cluster by default)."
  type        = string
  default     = "c0000000-0000-4000-8000-000000000001"
}

variable "leaver_user_id" {
  description = "IAM user ID of a person who left (the mock's dana.leaver by default)."
  type        = string
  default     = "1ea7e000000000000000000000000004"
}

# Who the provider is signed in as, and whether it may revoke other people's
# credentials (members of the admin group and the account itself may).
data "cce_caller_identity" "me" {}

# Everyone who can be revoked, including users and agencies deleted this week:
# their certificates keep working until someone revokes them.
data "cce_certificate_applicants" "all" {
  include_deleted = true
  cluster_id      = var.cluster_id
}

# Every kubeconfig the leaver downloaded for the cluster stops working.
resource "cce_credential_revocation" "leaver" {
  cluster_id   = var.cluster_id
  user_id      = var.leaver_user_id
  confirmation = "REVOKE"
}

# The same for every identity deleted this week, by raw ID.
resource "cce_credential_revocation" "deleted" {
  for_each = { for a in data.cce_certificate_applicants.all.applicants : a.id => a if a.status == "deleted" }

  cluster_id    = var.cluster_id
  other_id      = each.key
  other_id_type = each.value.type
  confirmation  = "REVOKE"
}

output "caller" {
  value = "${data.cce_caller_identity.me.user_name} (${data.cce_caller_identity.me.user_id}), admin: ${coalesce(data.cce_caller_identity.me.is_admin, "unknown (CCE decides)")}"
}

output "applicants" {
  value = [for a in data.cce_certificate_applicants.all.applicants : "${a.status == "deleted" ? "DELETED" : "active "} ${a.type} ${a.name} ${a.id}"]
}

output "revoked" {
  value = concat(
    ["user ${cce_credential_revocation.leaver.applicant_name} on ${cce_credential_revocation.leaver.cluster_name} (${cce_credential_revocation.leaver.cluster_version})"],
    [for r in cce_credential_revocation.deleted : "deleted ${r.applicant_type} ${r.other_id} on ${r.cluster_name}"],
  )
}
