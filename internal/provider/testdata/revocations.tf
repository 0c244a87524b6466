# One batch of revocations on one cluster; every argument comes from a
# variable so one file serves every scenario. A null variable leaves its
# argument unset.
variable "cluster_id" {
  type = string
}

variable "users" {
  type    = set(string)
  default = null
}

variable "agencies" {
  type    = set(string)
  default = null
}

variable "others" {
  type    = map(string)
  default = null
}

variable "triggers" {
  type    = map(string)
  default = null
}

variable "confirmation" {
  type    = string
  default = "REVOKE"
}

resource "cce_credential_revocations" "this" {
  cluster_id   = var.cluster_id
  users        = var.users
  agencies     = var.agencies
  others       = var.others
  confirmation = var.confirmation
  triggers     = var.triggers
}
