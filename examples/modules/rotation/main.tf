# Rotation module: the signed-in identity (typically a CI pipeline's IAM user)
# revokes its own credentials on the given clusters, then downloads fresh ones.
# Change `incident` to rotate again, e.g. after a kubeconfig leaked.
#
# A plain IAM user may revoke its own credential, so no admin rights are needed.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_ids" {
  description = "Clusters whose credentials to rotate."
  type        = list(string)

  validation {
    condition     = length(var.cluster_ids) > 0
    error_message = "cluster_ids is empty, so nothing would be rotated: list the IDs of the clusters whose credentials leaked."
  }
}

variable "incident" {
  description = "Any string; changing it revokes every earlier credential and issues a new one."
  type        = string

  validation {
    condition     = trimspace(var.incident) != ""
    error_message = "incident is empty: name why you rotate, e.g. the incident or ticket (\"INC-2041\"). The next rotation needs a different value."
  }
}

variable "duration_days" {
  description = "Lifetime of the fresh credentials, in days."
  type        = number
  default     = 30
}

data "cce_caller_identity" "me" {}

resource "cce_credential_revocation" "mine" {
  for_each = toset(var.cluster_ids)

  cluster_id   = each.key
  user_id      = data.cce_caller_identity.me.user_id
  confirmation = "REVOKE"
  triggers = {
    incident = var.incident
  }
}

# Issued only after the revocation (which refuses every certificate issued
# before it), and re-issued whenever the revocation is made again.
resource "cce_cluster_credential" "fresh" {
  for_each = toset(var.cluster_ids)

  cluster_id    = each.key
  duration_days = var.duration_days

  depends_on = [cce_credential_revocation.mine]
  lifecycle {
    replace_triggered_by = [cce_credential_revocation.mine[each.key]]
  }
}

output "kubeconfigs" {
  description = "Fresh kubeconfig (YAML) per cluster ID."
  value       = { for id, c in cce_cluster_credential.fresh : id => c.kubeconfig_raw }
  sensitive   = true
}

output "serial_numbers" {
  description = "Serial number of each fresh certificate, by cluster ID."
  value       = { for id, c in cce_cluster_credential.fresh : id => c.serial_number }
}
