variable "cluster_id" {
  type = string
}

ephemeral "cce_cluster_credential" "this" {
  cluster_id    = var.cluster_id
  duration_days = 1
}

# The echo provider of plugin-testing stores what it is given, which lets the
# test see the ephemeral values; a real configuration would pass them to the
# kubernetes provider instead.
provider "echo" {
  data = {
    applicant_id = ephemeral.cce_cluster_credential.this.applicant_id
    context      = ephemeral.cce_cluster_credential.this.current_context
    has_key      = startswith(ephemeral.cce_cluster_credential.this.client_key, "-----BEGIN")
  }
}

resource "echo" "this" {}
