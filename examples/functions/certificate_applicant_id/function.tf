terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Whose credential is this? The applicant ID is the CN of the client certificate
# in a kubeconfig that turned up somewhere (the user of its current context).
output "leaked_kubeconfig_owner" {
  value = provider::cce::certificate_applicant_id(file("${path.module}/leaked-kubeconfig.yaml"))
}

# Revoke it. The owner's IAM user was deleted, so IAM no longer knows the ID:
# pass it as other_id. A PEM certificate, or base64 of either form, works too.
resource "cce_credential_revocation" "leaked" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  other_id     = provider::cce::certificate_applicant_id(filebase64("${path.module}/leaked-client.crt"))
  confirmation = "REVOKE"
}
