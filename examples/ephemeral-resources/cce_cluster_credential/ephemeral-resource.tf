# A short-lived credential handed to the kubernetes provider; the private key
# never reaches the plan or the state. Terraform 1.10+ or OpenTofu 1.11+.
ephemeral "cce_cluster_credential" "ci" {
  cluster_id    = "365b5e05-846a-11ea-9fe6-0255ac101107"
  duration_days = 1
}

provider "kubernetes" {
  host                   = ephemeral.cce_cluster_credential.ci.internal_endpoint
  cluster_ca_certificate = ephemeral.cce_cluster_credential.ci.cluster_ca_certificate
  client_certificate     = ephemeral.cce_cluster_credential.ci.client_certificate
  client_key             = ephemeral.cce_cluster_credential.ci.client_key
}
