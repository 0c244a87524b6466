variable "name_regex" {
  type    = string
  default = null
}

variable "phases" {
  type    = list(string)
  default = null
}

data "cce_clusters" "this" {
  name_regex = var.name_regex
  phases     = var.phases
}
