terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Every cluster of the project, and whether credentials can be revoked on it now.
data "cce_clusters" "all" {}

# Running production clusters, by naming convention.
data "cce_clusters" "prod" {
  name_regex = "^prod"
  phases     = ["Available"]
}

output "revocable" {
  value = [for c in data.cce_clusters.all.clusters : c.name if c.revocable]
}

# What to upgrade or wake up before revoking there.
output "not_revocable" {
  value = { for c in data.cce_clusters.all.clusters : c.name => c.reason if !c.revocable }
}

output "prod_ids" {
  value = data.cce_clusters.prod.ids
}
