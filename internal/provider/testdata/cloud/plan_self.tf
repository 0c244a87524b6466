# A plan (never applied by the real-account lane) of the caller's own
# revocation: every plan-time check runs against the real cluster and IAM.
variable "cluster_id" {
  type = string
}

data "cce_caller_identity" "me" {}

resource "cce_credential_revocation" "self" {
  cluster_id   = var.cluster_id
  user_id      = data.cce_caller_identity.me.user_id
  confirmation = "REVOKE"
}
