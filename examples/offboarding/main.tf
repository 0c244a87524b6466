# Offboard leavers from every cluster with the module in ../modules/offboarding:
# named leavers who still have an IAM user, and every identity deleted in the
# last week.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

provider "cce" {}

variable "cluster_ids" {
  description = "Clusters to cut the leavers off from."
  type        = list(string)
}

variable "leaver_names" {
  description = "IAM user names of the people who left."
  type        = list(string)
}

module "offboarding" {
  source       = "../modules/offboarding"
  cluster_ids  = var.cluster_ids
  leaver_names = var.leaver_names
}

output "revoked" {
  value = module.offboarding.revoked
}
