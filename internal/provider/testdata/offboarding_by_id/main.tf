# The offboarding module with explicit cluster IDs; the test copies this
# directory next to examples/modules.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_ids" {
  type    = list(string)
  default = []
}

variable "all_clusters" {
  type    = bool
  default = false
}

variable "leaver_names" {
  type    = list(string)
  default = ["alice"]
}

variable "keep" {
  type    = map(string)
  default = {}
}

module "offboarding" {
  source                = "../modules/offboarding"
  cluster_ids           = var.cluster_ids
  all_clusters          = var.all_clusters
  leaver_names          = var.leaver_names
  keep                  = var.keep
  revoke_deleted_within = ""
}

output "ineligible_clusters" {
  value = module.offboarding.ineligible_clusters
}

output "keep" {
  value = module.offboarding.keep
}
