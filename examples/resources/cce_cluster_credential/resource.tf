# The caller's own kubeconfig for a cluster, renewed a month before it expires.
resource "cce_cluster_credential" "me" {
  cluster_id    = "365b5e05-846a-11ea-9fe6-0255ac101107"
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
