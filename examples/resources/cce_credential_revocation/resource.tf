terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Revoke the credentials one person downloaded for one cluster.
resource "cce_credential_revocation" "alice_prod" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  user_id      = "a11ce000000000000000000000000002"
  confirmation = "REVOKE"
}

# An agency's credentials.
resource "cce_credential_revocation" "vendor_prod" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  agency_id    = "a9e00000000000000000000000000011"
  confirmation = "REVOKE"
}

# An identity IAM no longer knows: a deleted user (ID from the certificate CN or
# from a CTS deleteUser trace), or a federated login.
resource "cce_credential_revocation" "former_employee" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  other_id     = "e1e1e000000000000000000000000005"
  confirmation = "REVOKE"

  # Revoke again on purpose by changing a trigger, e.g. after a second leak.
  triggers = {
    incident = "INC-2041"
  }
}
