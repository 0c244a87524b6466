# The reads of the real-account lane (cloud_acc_test.go): who am I, the
# clusters, and who could be revoked on the test cluster. Nothing is written.
variable "cluster_id" {
  type = string
}

variable "include_deleted" {
  type    = bool
  default = false
}

data "cce_caller_identity" "me" {}

data "cce_clusters" "all" {}

data "cce_certificate_applicants" "this" {
  cluster_id      = var.cluster_id
  include_deleted = var.include_deleted
}

output "cluster_listed" {
  value = contains(data.cce_clusters.all.ids, var.cluster_id)
}

# An IAM user finds itself among the applicants; other callers have no user ID.
output "caller_listed" {
  value = data.cce_caller_identity.me.user_id == "" || contains(data.cce_certificate_applicants.this.ids, data.cce_caller_identity.me.user_id)
}
