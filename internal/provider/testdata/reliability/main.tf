# Many revocations of raw IDs (no IAM lookup) over many clusters, for the
# fault and interruption tests.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

variable "targets" {
  type = map(object({
    cluster_id = string
    other_id   = string
  }))
}

resource "cce_credential_revocation" "this" {
  for_each = var.targets

  cluster_id   = each.value.cluster_id
  other_id     = each.value.other_id
  confirmation = "REVOKE"
}
