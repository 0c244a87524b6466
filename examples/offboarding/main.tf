# Offboard leavers from every cluster of the project with the offboarding
# module, copied to ./modules/offboarding: named leavers, and every identity
# deleted in the last week. Clusters that cannot take a revocation are
# reported, not fatal.
#
# After each apply, save what was revoked so later plans keep it:
#   echo "keep = $(terraform output -json keep)" > keep.auto.tfvars
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

provider "cce" {}

variable "leaver_names" {
  description = "IAM user names of the people who left."
  type        = list(string)
}

variable "keep" {
  description = "Revocations of earlier applies: the keep output, saved in keep.auto.tfvars."
  type        = map(string)
  default     = {}
}

module "offboarding" {
  source       = "./modules/offboarding"
  all_clusters = true
  leaver_names = var.leaver_names
  keep         = var.keep
}

output "revoked" {
  value = module.offboarding.revoked
}

output "ineligible_clusters" {
  value = module.offboarding.ineligible_clusters
}

output "keep" {
  value = module.offboarding.keep
}
