terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Terraform 1.12+ and OpenTofu 1.12+: import by identity. applicant_type is how
# CCE received the applicant, user or agency; the identity imports into
# user_id or agency_id, and writing other_id instead plans an in-place update
# that sends nothing.
import {
  to = cce_credential_revocation.alice_prod
  identity = {
    cluster_id     = "c0000000-0000-4000-8000-000000000001"
    applicant_type = "user"
    applicant_id   = "a11ce000000000000000000000000002"
  }
}

resource "cce_credential_revocation" "alice_prod" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  user_id      = "a11ce000000000000000000000000002"
  confirmation = "REVOKE"
}
