terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

# A short-lived credential handed to the kubernetes provider; the private key
# never reaches the plan or the state. Terraform 1.10+ or OpenTofu 1.11+.
ephemeral "cce_cluster_credential" "ci" {
  cluster_id    = "c0000000-0000-4000-8000-000000000001"
  duration_days = 1
}

provider "kubernetes" {
  host                   = ephemeral.cce_cluster_credential.ci.internal_endpoint
  cluster_ca_certificate = ephemeral.cce_cluster_credential.ci.cluster_ca_certificate
  client_certificate     = ephemeral.cce_cluster_credential.ci.client_certificate
  client_key             = ephemeral.cce_cluster_credential.ci.client_key
}

# Everything the kubernetes provider reads or manages now uses that credential.
data "kubernetes_server_version" "this" {}

output "kubernetes_version" {
  value = data.kubernetes_server_version.this.version
}
