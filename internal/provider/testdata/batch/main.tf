# One cce_credential_revocations per cluster, for the tests that run the CLI
# as pipelines do (plan -out in one process, apply in another).
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "batches" {
  description = "cluster ID -> the applicants to revoke there"
  type = map(object({
    users    = optional(set(string))
    agencies = optional(set(string))
    others   = optional(map(string))
    triggers = optional(map(string))
  }))
}

resource "cce_credential_revocations" "this" {
  for_each = var.batches

  cluster_id   = each.key
  users        = each.value.users
  agencies     = each.value.agencies
  others       = each.value.others
  triggers     = each.value.triggers
  confirmation = "REVOKE"
}
