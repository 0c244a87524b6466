# Offboarding by destroy (Terraform 1.14+): when a person's IAM user is
# destroyed, revoke the credentials they downloaded for each cluster.
#
# terraform_data stands in for the IAM user resource of your cloud provider
# (huaweicloud_identity_user, opentelekomcloud_identity_user_v3, ...): give
# that resource the lifecycle block below and use its ID as other_id.
terraform {
  required_version = ">= 1.14.0"

  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

provider "cce" {}

variable "people" {
  description = "IAM user name => user ID. Take someone out to offboard them."
  type        = map(string)
  default = {
    "dana.leaver" = "1ea7e000000000000000000000000004"
    "frank"       = "f0000000000000000000000000000007"
  }
}

resource "terraform_data" "iam_user" {
  for_each = var.people
  input    = { id = each.value, name = each.key }

  lifecycle {
    action_trigger {
      events = [after_destroy]
      # A static list: one entry per cluster, by the action's own key.
      actions = [
        action.cce_revoke_credential.offboard["prod"],
        action.cce_revoke_credential.offboard["staging"],
      ]
    }
  }
}

# One action per cluster. In a destroy trigger its configuration may use self
# (the destroyed object, as it was), variables, locals and its own each, but
# not the triggering resource by address.
action "cce_revoke_credential" "offboard" {
  for_each = {
    prod    = "c0000000-0000-4000-8000-000000000001"
    staging = "c0000000-0000-4000-8000-000000000002"
  }

  config {
    cluster_id = each.value
    # IAM no longer knows the user when the action runs: revoke by raw ID.
    other_id     = self.input.id
    confirmation = "REVOKE"
  }
}
