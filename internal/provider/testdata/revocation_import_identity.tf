# An import by identity into a revocation whose configuration names the
# applicant with other_id: the identity imports into user_id or agency_id, and
# the plan moves it to other_id in place (Terraform and OpenTofu 1.12+).
variable "cluster_id" {
  type = string
}

variable "applicant_type" {
  type = string
}

variable "applicant_id" {
  type = string
}

import {
  to = cce_credential_revocation.this
  identity = {
    cluster_id     = var.cluster_id
    applicant_type = var.applicant_type
    applicant_id   = var.applicant_id
  }
}

resource "cce_credential_revocation" "this" {
  cluster_id    = var.cluster_id
  other_id      = var.applicant_id
  other_id_type = var.applicant_type
  confirmation  = "REVOKE"
}
