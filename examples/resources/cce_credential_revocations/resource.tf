terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Everyone leaving, revoked on one cluster: one resource per cluster, however
# many people.
resource "cce_credential_revocations" "prod" {
  cluster_id = "c0000000-0000-4000-8000-000000000001"

  users    = ["a11ce000000000000000000000000002", "1ea7e000000000000000000000000004"]
  agencies = ["a9e00000000000000000000000000012"]

  # Identities IAM no longer knows (deleted, federated): ID = how CCE receives it.
  others = {
    "e1e1e000000000000000000000000005" = "user"
    "a9e00000000000000000000000000013" = "agency"
  }

  confirmation = "REVOKE"
}

# The same people on every cluster of the project that can revoke.
data "cce_clusters" "all" {}

locals {
  leavers = ["a11ce000000000000000000000000002", "1ea7e000000000000000000000000004"]
}

resource "cce_credential_revocations" "everywhere" {
  for_each = { for c in data.cce_clusters.all.clusters : c.id => c if c.revocable && c.id != "c0000000-0000-4000-8000-000000000001" }

  cluster_id   = each.key
  users        = local.leavers
  confirmation = "REVOKE"
}
