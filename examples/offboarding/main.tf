# Offboard leavers from every cluster of the project (or of several regions)
# with the offboarding module, copied to ./modules/offboarding: named leavers,
# and every identity deleted in the last week. Clusters that cannot take a
# revocation are reported, not fatal; so are leavers still enabled in IAM.
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

variable "regions" {
  description = "Regions to offboard from, e.g. [\"eu-de\", \"eu-nl\"]. Empty: the provider's region and project."
  type        = list(string)
  default     = []
}

variable "keep" {
  description = "Revocations of earlier applies: the keep output, saved in keep.auto.tfvars."
  type        = map(string)
  default     = {}
}

module "offboarding" {
  source       = "./modules/offboarding"
  all_clusters = true
  regions      = var.regions # e.g. ["eu-de", "eu-nl"]: every cluster of both, with one provider block
  leaver_names = var.leaver_names
  keep         = var.keep
}

output "revoked" {
  value = module.offboarding.revoked
}

output "ineligible_clusters" {
  value = module.offboarding.ineligible_clusters
}

output "still_enabled" {
  value = module.offboarding.still_enabled
}

output "keep" {
  value = module.offboarding.keep
}
