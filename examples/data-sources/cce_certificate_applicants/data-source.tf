# Everyone who can be revoked, including identities deleted in the last week.
data "cce_certificate_applicants" "all" {
  include_deleted = true
  cluster_id      = "365b5e05-846a-11ea-9fe6-0255ac101107"
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
