# A user, an agency and raw IDs on two clusters: every kind of prerequisite
# check (cluster, caller, user, agency) for the saved-plan tests.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "prod" {
  type = string
}

variable "staging" {
  type = string
}

variable "user_id" {
  type = string
}

variable "agency_id" {
  type = string
}

variable "other_ids" {
  type = set(string)
}

resource "cce_credential_revocation" "user" {
  cluster_id   = var.prod
  user_id      = var.user_id
  confirmation = "REVOKE"
}

resource "cce_credential_revocation" "agency" {
  cluster_id   = var.staging
  agency_id    = var.agency_id
  confirmation = "REVOKE"
}

resource "cce_credential_revocation" "other" {
  for_each = var.other_ids

  cluster_id   = var.staging
  other_id     = each.value
  confirmation = "REVOKE"
}
