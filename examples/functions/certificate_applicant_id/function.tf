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

# Revoke it. This kubeconfig was downloaded in a session of the ops-automation
# agency, so its ID is the agency's: other_id_type = "agency". (For a deleted
# user's certificate, leave other_id_type out: it defaults to "user".) While the
# ID is still a live user or agency, the plan checks the type against IAM, since
# CCE would accept the wrong one and revoke nothing. A PEM certificate, or
# base64 of either form, works too.
resource "cce_credential_revocation" "leaked" {
  cluster_id    = "c0000000-0000-4000-8000-000000000001"
  other_id      = provider::cce::certificate_applicant_id(filebase64("${path.module}/leaked-client.crt"))
  other_id_type = "agency"
  confirmation  = "REVOKE"
}
