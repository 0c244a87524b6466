# The caller's own kubeconfig for a cluster, renewed a month before it expires.
resource "cce_cluster_credential" "me" {
  cluster_id    = "365b5e05-846a-11ea-9fe6-0255ac101107"
  duration_days = 365
  rotate_before = "720h"
}

resource "local_sensitive_file" "kubeconfig" {
  content  = cce_cluster_credential.me.kubeconfig_raw
  filename = "${path.module}/kubeconfig.yaml"
}
