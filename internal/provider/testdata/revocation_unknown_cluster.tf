# The cluster ID is only known at apply time, as when it comes from another
# resource: every check moves from plan to apply.
variable "cluster_id" {
  type = string
}

variable "user_id" {
  type = string
}

resource "terraform_data" "cluster" {
  input = var.cluster_id
}

resource "cce_credential_revocation" "this" {
  cluster_id   = terraform_data.cluster.output
  user_id      = var.user_id
  confirmation = "REVOKE"
}
