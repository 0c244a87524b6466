# One revocation of a user's credential, for the tests of who may revoke.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_id" {
  type = string
}

variable "user_id" {
  type = string
}

resource "cce_credential_revocation" "this" {
  cluster_id   = var.cluster_id
  user_id      = var.user_id
  confirmation = "REVOKE"
}
