terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}

# Everyone who can be revoked, including identities deleted in the last week.
data "cce_certificate_applicants" "all" {
  include_deleted = true
  cluster_id      = "c0000000-0000-4000-8000-000000000001"
}

# Contractors only, by naming convention.
data "cce_certificate_applicants" "contractors" {
  types      = ["user"]
  name_regex = "^ext-"
}

output "deleted_this_week" {
  value = [for a in data.cce_certificate_applicants.all.applicants : "${a.type} ${a.name} (${a.id}) deleted ${a.deleted_at} by ${a.deleted_by}" if a.status == "deleted"]
}

output "can_revoke_on_cluster" {
  value = data.cce_certificate_applicants.all.revocation_supported
}
