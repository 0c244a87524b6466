variable "types" {
  type    = list(string)
  default = null
}

variable "name_regex" {
  type    = string
  default = null
}

variable "include_deleted" {
  type    = bool
  default = null
}

variable "deleted_within" {
  type    = string
  default = null
}

variable "cluster_id" {
  type    = string
  default = null
}

data "cce_certificate_applicants" "this" {
  types           = var.types
  name_regex      = var.name_regex
  include_deleted = var.include_deleted
  deleted_within  = var.deleted_within
  cluster_id      = var.cluster_id
}
