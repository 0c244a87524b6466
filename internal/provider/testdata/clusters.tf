variable "name_regex" {
  type    = string
  default = null
}

variable "phases" {
  type    = list(string)
  default = null
}

variable "regions" {
  type    = list(string)
  default = null
}

variable "project_id" {
  type    = string
  default = null
}

data "cce_clusters" "this" {
  name_regex = var.name_regex
  phases     = var.phases
  regions    = var.regions
  project_id = var.project_id
}
