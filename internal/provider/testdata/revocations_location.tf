# One provider block, one person revoked by cce_credential_revocations on
# clusters in three regions and two projects of one of them (the mock's
# seeded clusters, as in location.tf).
variable "region_endpoints" {
  type = map(object({
    cce = string
    cts = string
  }))
}

variable "user_id" {
  type = string
}

variable "nl_region" {
  type    = string
  default = "eu-nl"
}

provider "cce" {
  region_endpoints = var.region_endpoints
}

# The provider's region and project.
resource "cce_credential_revocations" "home" {
  cluster_id   = "c0000000-0000-4000-8000-000000000001"
  users        = [var.user_id]
  confirmation = "REVOKE"
}

# eu-de's own project, discovered by the region's name.
resource "cce_credential_revocations" "de" {
  cluster_id   = "de000000-0000-4000-8000-000000000001"
  region       = "eu-de"
  users        = [var.user_id]
  confirmation = "REVOKE"
}

# A second project of eu-de.
resource "cce_credential_revocations" "de_ops" {
  cluster_id   = "de200000-0000-4000-8000-000000000001"
  region       = "eu-de"
  project_id   = "de2000000000000000000000000000de"
  users        = [var.user_id]
  confirmation = "REVOKE"
}

resource "cce_credential_revocations" "nl" {
  cluster_id   = "0a000000-0000-4000-8000-000000000001"
  region       = var.nl_region
  users        = [var.user_id]
  confirmation = "REVOKE"
}
