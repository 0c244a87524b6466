variable "cluster_id" {
  type = string
}

variable "user_id" {
  type = string
}

variable "create_timeout" {
  type = string
}

resource "cce_credential_revocation" "this" {
  cluster_id   = var.cluster_id
  user_id      = var.user_id
  confirmation = "REVOKE"

  timeouts {
    create = var.create_timeout
  }
}
