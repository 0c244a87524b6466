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
  description = "cluster ID -> the applicants to revoke there, and where the cluster is"
  type = map(object({
    users      = optional(set(string))
    agencies   = optional(set(string))
    others     = optional(map(string))
    triggers   = optional(map(string))
    region     = optional(string)
    project_id = optional(string)
  }))
}

variable "region_endpoints" {
  description = "the mock's CCE and CTS hosts of other regions"
  type = map(object({
    cce = string
    cts = string
  }))
  default = null
}

provider "cce" {
  region_endpoints = var.region_endpoints
}

resource "cce_credential_revocations" "this" {
  for_each = var.batches

  cluster_id   = each.key
  users        = each.value.users
  agencies     = each.value.agencies
  others       = each.value.others
  triggers     = each.value.triggers
  region       = each.value.region
  project_id   = each.value.project_id
  confirmation = "REVOKE"
}
