# Offboarding module: on every given cluster, revoke
#  - the credentials of the named leavers who still have an IAM user, and
#  - the credentials of every user and agency deleted within the last week
#    (their certificates keep working after deletion until revoked).
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

variable "leaver_names" {
  description = "IAM user names of the people who left and still have an IAM user."
  type        = list(string)
  default     = []
}

variable "revoke_deleted_within" {
  description = "Also revoke users and agencies deleted within this duration (at most 168h, the CTS window). Empty to skip."
  type        = string
  default     = "168h"
}

data "cce_certificate_applicants" "all" {
  include_deleted = var.revoke_deleted_within != ""
  deleted_within  = var.revoke_deleted_within != "" ? var.revoke_deleted_within : null

  lifecycle {
    postcondition {
      condition     = alltrue([for n in var.leaver_names : contains([for a in self.applicants : a.name if a.status == "active" && a.type == "user"], n)])
      error_message = "Every name in leaver_names must be an active IAM user. For someone deleted more than a week ago, revoke with cce_credential_revocation and other_id (the CN of their certificate)."
    }
  }
}

locals {
  active_users = { for a in data.cce_certificate_applicants.all.applicants : a.name => a if a.status == "active" && a.type == "user" }

  # One entry per (cluster, identity): keys are stable, so adding a leaver or a
  # cluster plans only the new revocations.
  targets = merge(
    { for pair in setproduct(var.cluster_ids, var.leaver_names) : "${pair[0]}/user/${local.active_users[pair[1]].id}" => {
      cluster_id = pair[0], user_id = local.active_users[pair[1]].id, other_id = null, other_id_type = null
    } if contains(keys(local.active_users), pair[1]) },
    { for pair in setproduct(var.cluster_ids, [for a in data.cce_certificate_applicants.all.applicants : a if a.status == "deleted"]) : "${pair[0]}/other/${pair[1].id}" => {
      cluster_id = pair[0], user_id = null, other_id = pair[1].id, other_id_type = pair[1].type
    } },
  )
}

resource "cce_credential_revocation" "this" {
  for_each = local.targets

  cluster_id    = each.value.cluster_id
  user_id       = each.value.user_id
  other_id      = each.value.other_id
  other_id_type = each.value.other_id_type
  confirmation  = "REVOKE"
}

output "revoked" {
  description = "What was revoked, by resource key."
  value       = { for k, r in cce_credential_revocation.this : k => "${r.applicant_type} ${coalesce(r.applicant_name, "(deleted)")} on ${r.cluster_name}" }
}
