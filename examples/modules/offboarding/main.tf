# Offboarding module: on every cluster that can take a revocation, revoke
#  - the credentials of the named leavers,
#  - the credentials of every user and agency deleted within the last week
#    (their certificates keep working after deletion until revoked), and
#  - everything in `keep`, the revocations of earlier runs.
# Clusters that cannot take one (too old, hibernated, failed) are skipped and
# reported instead of failing the plan. One call covers every listed region
# (`regions`) with one provider block. See README.md.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_ids" {
  description = "Clusters to cut the leavers off from, in any of the regions. Leave empty and set all_clusters = true for every cluster of the regions."
  type        = list(string)
  default     = []
}

variable "all_clusters" {
  description = "Revoke on every cluster of the regions instead of the clusters in cluster_ids."
  type        = bool
  default     = false
}

variable "regions" {
  description = "Regions whose clusters to revoke on, e.g. [\"eu-de\", \"eu-nl\"]; each region's own project (the one named after it). Empty: the provider's region and project."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "leaver_names" {
  description = "IAM user names of the people who left: active users, or users deleted within revoke_deleted_within."
  type        = list(string)
  default     = []
}

variable "revoke_deleted_within" {
  description = "Also revoke users and agencies deleted within this duration (at most 168h, the CTS window). Empty to skip."
  type        = string
  default     = "168h"
}

variable "keep" {
  description = "The keep output of the previous apply: \"<cluster ID>/<identity ID>\" => \"user\" or \"agency\". These revocations stay in the plan after the identity leaves the CTS window or the leaver list, and after their cluster stops taking revocations, so no plan destroys their records."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, t in var.keep : length(split("/", k)) == 2 && contains(["user", "agency"], t)])
    error_message = "Each key of keep is \"<cluster ID>/<identity ID>\" and each value \"user\" or \"agency\", as the module's keep output writes them."
  }
}

data "cce_clusters" "all" {
  regions = length(var.regions) > 0 ? var.regions : null

  lifecycle {
    precondition {
      condition     = var.all_clusters != (length(var.cluster_ids) > 0)
      error_message = "Set either cluster_ids or all_clusters = true, not both."
    }
    postcondition {
      condition     = alltrue([for id in var.cluster_ids : contains(self.ids, id)])
      error_message = "cluster_ids lists clusters ${length(var.regions) > 0 ? "the regions ${join(", ", var.regions)} do" : "this project does"} not have: ${join(", ", [for id in var.cluster_ids : id if !contains(self.ids, id)])}. Check the IDs, and the module's regions (else the provider's region and project_id)."
    }
  }
}

data "cce_certificate_applicants" "all" {
  include_deleted = var.revoke_deleted_within != ""
  deleted_within  = var.revoke_deleted_within != "" ? var.revoke_deleted_within : null

  lifecycle {
    postcondition {
      condition     = alltrue([for n in var.leaver_names : contains([for a in self.applicants : a.name if a.type == "user"], n)])
      error_message = "Every name in leaver_names must be an IAM user, or one deleted within revoke_deleted_within: ${join(", ", [for n in var.leaver_names : n if !contains([for a in self.applicants : a.name if a.type == "user"], n)])} is not. Once a leaver's revocations are in keep, remove the name; for someone deleted longer ago, revoke with cce_credential_revocation and other_id."
    }
  }
}

locals {
  clusters   = { for c in data.cce_clusters.all.clusters : c.id => c }
  selected   = var.all_clusters ? keys(local.clusters) : distinct(var.cluster_ids)
  revocable  = [for id in local.selected : id if local.clusters[id].revocable]
  ineligible = { for id in local.selected : id => local.clusters[id] if !local.clusters[id].revocable }

  applicants = data.cce_certificate_applicants.all.applicants
  names      = { for a in local.applicants : a.id => a.name }

  # Leavers whose IAM user is still enabled: they can download a new
  # kubeconfig the minute after the revocation.
  still_enabled = sort([for a in local.applicants : a.name if a.type == "user" && a.enabled == true && contains(keys(local.identities), a.id)])

  # Everyone to cut off, by identity ID: "user" or "agency".
  kept_ids = { for k, type in var.keep : split("/", k)[1] => type... }
  identities = merge(
    { for a in local.applicants : a.id => a.type if a.status == "deleted" },
    { for a in local.applicants : a.id => "user" if a.type == "user" && contains(var.leaver_names, a.name) },
    { for id, types in local.kept_ids : id => types[0] },
  )

  # One revocation per (cluster, identity), keyed "<cluster ID>/<identity ID>".
  # Kept revocations stay while their cluster exists, even when it cannot take
  # a new one. Every revocation passes its ID in others, so it stays the same
  # revocation whether its ID came from a name, CTS or keep.
  targets = merge(
    { for pair in setproduct(local.revocable, keys(local.identities)) : "${pair[0]}/${pair[1]}" => local.identities[pair[1]] },
    { for k, type in var.keep : k => type if contains(keys(local.clusters), split("/", k)[0]) },
  )

  # The same, by cluster: one cce_credential_revocations per cluster, so the
  # resource instances grow with the clusters, not with clusters x people
  # (Terraform plans thousands of instances of one block slowly).
  by_cluster = { for k, type in local.targets : split("/", k)[0] => { id = split("/", k)[1], type = type }... }
}

resource "cce_credential_revocations" "this" {
  for_each = local.by_cluster

  cluster_id   = each.key
  region       = local.clusters[each.key].region
  project_id   = local.clusters[each.key].project_id
  others       = { for t in each.value : t.id => t.type }
  confirmation = "REVOKE"
}

locals {
  # What the state holds, by "<cluster ID>/<identity ID>"; revocations is
  # keyed "other/<ID>" or "other/<ID>/agency".
  recorded = merge([for cid, r in cce_credential_revocations.this : {
    for key, e in r.revocations : "${cid}/${split("/", key)[1]}" => {
      type    = e.applicant_type
      cluster = r.cluster_name
    }
  }]...)
}

# Warnings, not errors: the plan goes on without these clusters.
check "every_cluster_takes_revocations" {
  assert {
    condition     = length(local.ineligible) == 0
    error_message = "Skipped, nothing new is revoked there: ${join(" ", [for id, c in local.ineligible : "${c.name} (${id}, ${c.region}): ${c.reason}"])}"
  }
}

check "leavers_are_disabled" {
  assert {
    condition     = length(local.still_enabled) == 0
    error_message = "Still enabled in IAM: ${join(", ", local.still_enabled)}. Revoking ends the credentials issued so far, but an enabled user can download a new kubeconfig the minute after. Disable the user in IAM before you revoke; the revocations stand either way."
  }
}

check "keep_is_saved" {
  assert {
    condition     = alltrue([for k in keys(local.targets) : contains(keys(var.keep), k)])
    error_message = "${length([for k in keys(local.targets) : k if !contains(keys(var.keep), k)])} revocation(s) are not in keep yet. After apply, save the keep output as the keep input (see the module's README): otherwise, once an identity leaves the 7-day CTS window or the leaver list, a plan destroys its records (which only forgets them; the credentials stay revoked)."
  }
}

output "revoked" {
  description = "What was revoked, by \"<cluster ID>/<identity ID>\"."
  value       = { for k, r in local.recorded : k => "${r.type} ${lookup(local.names, split("/", k)[1], split("/", k)[1])} on ${r.cluster}" }
}

output "ineligible_clusters" {
  description = "Selected clusters that cannot take a revocation now, by ID, with their region and project, the reason and what to do. No new revocation is planned on them."
  value = { for id, c in local.ineligible : id => {
    name            = c.name
    region          = c.region
    project_id      = c.project_id
    phase           = c.phase
    version         = c.version
    minimum_version = c.minimum_version
    reason          = c.reason
  } }
}

output "keep" {
  description = "Every revocation in the state, to pass back as the keep input on the next run."
  value       = { for k, r in local.recorded : k => r.type }
}

output "still_enabled" {
  description = "IAM user names of the identities revoked here whose user is still enabled: each can download a new kubeconfig the minute after the revocation. Disable them."
  value       = local.still_enabled
}
