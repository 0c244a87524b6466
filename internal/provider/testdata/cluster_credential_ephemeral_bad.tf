variable "cluster_id" {
  type = string
}

variable "duration_days" {
  type    = number
  default = null
}

variable "expire_at" {
  type    = string
  default = null
}

ephemeral "cce_cluster_credential" "this" {
  cluster_id    = var.cluster_id
  duration_days = var.duration_days
  expire_at     = var.expire_at
}
