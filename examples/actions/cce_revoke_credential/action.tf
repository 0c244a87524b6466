terraform {
  required_version = ">= 1.14.0" # actions; OpenTofu has none

  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Incident response: revoke now, with nothing in the state.
#
#   terraform apply -invoke=action.cce_revoke_credential.leaked
#
# Only this action runs; other changes in the configuration are neither
# planned nor applied. Its arguments must be known at plan time: literals,
# variables (-var) or locals, not attributes of resources that are not in the
# state.
action "cce_revoke_credential" "leaked" {
  config {
    cluster_id   = "c0000000-0000-4000-8000-000000000001"
    user_id      = "b0b00000000000000000000000000003"
    confirmation = "REVOKE"
  }
}
