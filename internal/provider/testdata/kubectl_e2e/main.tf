# Alice and Bob each issue their own kubeconfig through a provider signed in
# with their keys; the default provider (the administrator) revokes. Applied with
# the real CLI: each provider configuration runs in its own process.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "cluster_id" {
  type = string
}

variable "alice_access_key" {
  type      = string
  sensitive = true
}

variable "alice_secret_key" {
  type      = string
  sensitive = true
}

variable "bob_access_key" {
  type      = string
  sensitive = true
}

variable "bob_secret_key" {
  type      = string
  sensitive = true
}

variable "alice_days" {
  description = "Changing it makes Alice download a fresh credential."
  type        = number
  default     = 1
}

variable "revoke" {
  description = "Whether the administrator has revoked Alice and the agency."
  type        = bool
  default     = false
}

variable "agency_id" {
  type = string
}

provider "cce" {}

provider "cce" {
  alias      = "alice"
  access_key = var.alice_access_key
  secret_key = var.alice_secret_key
}

provider "cce" {
  alias      = "bob"
  access_key = var.bob_access_key
  secret_key = var.bob_secret_key
}

data "cce_caller_identity" "alice" {
  provider = cce.alice
}

resource "cce_cluster_credential" "alice" {
  provider      = cce.alice
  cluster_id    = var.cluster_id
  duration_days = var.alice_days
}

resource "cce_cluster_credential" "bob" {
  provider      = cce.bob
  cluster_id    = var.cluster_id
  duration_days = 1
}

resource "cce_credential_revocation" "alice" {
  count        = var.revoke ? 1 : 0
  cluster_id   = var.cluster_id
  user_id      = data.cce_caller_identity.alice.user_id
  confirmation = "REVOKE"
}

resource "cce_credential_revocation" "agency" {
  count        = var.revoke ? 1 : 0
  cluster_id   = var.cluster_id
  agency_id    = var.agency_id
  confirmation = "REVOKE"
}

output "alice_kubeconfig" {
  value     = cce_cluster_credential.alice.kubeconfig_raw
  sensitive = true
}

output "bob_kubeconfig" {
  value     = cce_cluster_credential.bob.kubeconfig_raw
  sensitive = true
}
