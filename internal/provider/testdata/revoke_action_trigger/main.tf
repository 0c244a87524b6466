# Offboarding by destroy: each terraform_data stands in for a person's IAM
# user resource. Destroying one (the person leaves var.people) revokes their
# credentials on both clusters, by raw ID, through one action per cluster.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Person name => IAM user ID.
variable "people" {
  type = map(string)
}

# Cluster key => cluster ID. The keys are the static keys the trigger lists.
variable "clusters" {
  type = map(string)
}

variable "confirmation" {
  type    = string
  default = "REVOKE"
}

locals {
  confirmation = var.confirmation
}

resource "terraform_data" "iam_user" {
  for_each = var.people
  input    = { id = each.value, name = each.key }

  lifecycle {
    action_trigger {
      events  = [after_destroy]
      actions = [action.cce_revoke_credential.offboard["prod"], action.cce_revoke_credential.offboard["staging"]]
    }
  }
}

action "cce_revoke_credential" "offboard" {
  for_each = var.clusters

  config {
    cluster_id   = each.value
    other_id     = self.input.id
    confirmation = local.confirmation
  }
}
