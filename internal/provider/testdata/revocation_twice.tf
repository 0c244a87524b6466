# The same revocation twice: one resource with the ID as user_id, one with it
# as other_id (sent as a user, as CCE sees both).
variable "cluster_id" {
  type = string
}

variable "user_id" {
  type = string
}

resource "cce_credential_revocation" "first" {
  cluster_id   = var.cluster_id
  user_id      = var.user_id
  confirmation = "REVOKE"
}

resource "cce_credential_revocation" "second" {
  cluster_id   = var.cluster_id
  other_id     = var.user_id
  confirmation = "REVOKE"
}
