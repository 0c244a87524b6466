# One revocation; every argument comes from a variable so one file serves every
# scenario. A null variable leaves its argument unset.
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

variable "triggers" {
  type    = map(string)
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

resource "cce_credential_revocation" "this" {
  cluster_id    = var.cluster_id
  user_id       = var.user_id
  agency_id     = var.agency_id
  other_id      = var.other_id
  other_id_type = var.other_id_type
  confirmation  = var.confirmation
  triggers      = var.triggers
  region        = var.region
  project_id    = var.project_id
}
