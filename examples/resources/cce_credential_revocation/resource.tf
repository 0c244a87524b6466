# Revoke the credentials one person downloaded for one cluster.
resource "cce_credential_revocation" "alice_prod" {
  cluster_id   = "365b5e05-846a-11ea-9fe6-0255ac101107"
  user_id      = "0c97ac3cb280f4d91fa7c0096739e1f8"
  confirmation = "REVOKE"
}

# An agency's credentials.
resource "cce_credential_revocation" "vendor_prod" {
  cluster_id   = "365b5e05-846a-11ea-9fe6-0255ac101107"
  agency_id    = "5f1e3c7a9b0d4e2f8a6c1b3d5e7f9a0b"
  confirmation = "REVOKE"
}

# An identity IAM no longer knows: a deleted user (ID from the certificate CN or
# from a CTS deleteUser trace), or a federated login.
resource "cce_credential_revocation" "former_employee" {
  cluster_id   = "365b5e05-846a-11ea-9fe6-0255ac101107"
  other_id     = "7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f"
  confirmation = "REVOKE"

  # Revoke again on purpose by changing a trigger, e.g. after a second leak.
  triggers = {
    incident = "INC-2041"
  }
}
