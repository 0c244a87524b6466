# Rotating a compromised credential of the signed-in identity: revoke every
# kubeconfig it downloaded, then issue a fresh one. Apply again with another
# incident to rotate again.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

provider "cce" {}

variable "cluster_id" {
  description = "Cluster whose credential leaked (the mock's \"prod\" cluster by default)."
  type        = string
  default     = "c0000000-0000-4000-8000-000000000001"
}

variable "incident" {
  description = "Incident or ticket that caused the rotation."
  type        = string
}

module "rotation" {
  source      = "./modules/rotation"
  cluster_ids = [var.cluster_id]
  incident    = var.incident
}

output "kubeconfig" {
  value     = module.rotation.kubeconfigs[var.cluster_id]
  sensitive = true
}

output "serial_number" {
  value = module.rotation.serial_numbers[var.cluster_id]
}
