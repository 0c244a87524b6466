terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# The caller's own kubeconfig for a cluster, renewed a month before it expires.
resource "cce_cluster_credential" "me" {
  cluster_id    = "c0000000-0000-4000-8000-000000000001"
  duration_days = 365
  rotate_before = "720h"
}

# Hand it to kubectl: terraform output -raw kubeconfig > ~/.kube/cce.yaml
output "kubeconfig" {
  value     = cce_cluster_credential.me.kubeconfig_raw
  sensitive = true
}

output "expires_at" {
  value = cce_cluster_credential.me.expires_at
}
