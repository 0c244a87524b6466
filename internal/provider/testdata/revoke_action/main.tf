# One cce_revoke_credential action, invoked with
# terraform apply -invoke=action.cce_revoke_credential.leaked. Every argument
# comes from a variable (-var), as in incident response; a null variable
# leaves its argument unset.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_id" {
  type = string
}

variable "user_id" {
  type    = string
  default = null
}

variable "agency_id" {
  type    = string
  default = null
}

variable "other_id" {
  type    = string
  default = null
}

variable "other_id_type" {
  type    = string
  default = null
}

variable "confirmation" {
  type    = string
  default = "REVOKE"
}

variable "timeout" {
  type    = string
  default = null
}

variable "region" {
  type    = string
  default = null
}

variable "project_id" {
  type    = string
  default = null
}

variable "region_endpoints" {
  type = map(object({
    cce = string
    cts = string
  }))
  default = null
}

provider "cce" {
  region_endpoints = var.region_endpoints
}

action "cce_revoke_credential" "leaked" {
  config {
    cluster_id    = var.cluster_id
    user_id       = var.user_id
    agency_id     = var.agency_id
    other_id      = var.other_id
    other_id_type = var.other_id_type
    confirmation  = var.confirmation
    timeout       = var.timeout
    region        = var.region
    project_id    = var.project_id
  }
}
