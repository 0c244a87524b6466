# The writes of the real-account lane (cloud_acc_test.go), as the throwaway
# IAM user: a kubeconfig issued first, then, with revoke = true, the user's
# own revocation (which refuses every certificate issued before it) and a
# fresh kubeconfig issued after it.
variable "cluster_id" {
  type = string
}

variable "revoke" {
  type    = bool
  default = false
}

data "cce_caller_identity" "me" {}

resource "cce_cluster_credential" "old" {
  cluster_id    = var.cluster_id
  duration_days = 1
}

resource "cce_credential_revocation" "self" {
  count = var.revoke ? 1 : 0

  cluster_id   = var.cluster_id
  user_id      = data.cce_caller_identity.me.user_id
  confirmation = "REVOKE"

  depends_on = [cce_cluster_credential.old]
}

resource "cce_cluster_credential" "fresh" {
  count = var.revoke ? 1 : 0

  cluster_id    = var.cluster_id
  duration_days = 1

  depends_on = [cce_credential_revocation.self]
}
