# Every object other than the revocation, each in another region than the
# provider's, with one provider block.
variable "region_endpoints" {
  type = map(object({
    cce = string
    cts = string
  }))
}

provider "cce" {
  region_endpoints = var.region_endpoints
}

data "cce_caller_identity" "nl" {
  region = "eu-nl"
}

data "cce_certificate_applicants" "de" {
  region          = "eu-de"
  cluster_id      = "de000000-0000-4000-8000-000000000001"
  include_deleted = true
}

resource "cce_cluster_credential" "ops" {
  region        = "eu-de"
  project_id    = "de2000000000000000000000000000de"
  cluster_id    = "de200000-0000-4000-8000-000000000001"
  duration_days = 1
}
