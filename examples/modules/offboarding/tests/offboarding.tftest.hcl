# The module's own tests: `terraform test` (Terraform 1.6+) or `tofu test`,
# run from the module's directory against the mock cloud serving
# examples/mockcloud/modules.yaml. `make test-modules` does all of it; the
# README's "Testing the module" shows how to run them by hand.
#
# That scenario has, in the provider's region eu-west-101, the clusters prod
# (a1) and staging (a2), which take revocations, and old (a3, v1.23.9-r0),
# which is too old; in eu-de de-prod (d1) and the too old de-old (d2); in
# eu-nl nl-prod (e1). The leaver dana.leaver (...a2) is disabled in IAM, the
# leaver max.leaving (...a6) is not; deleted this week are the user
# erin.former (...a4) and the agency old-vendor (...a5).
#
# The runs across regions need the mock's region_endpoints in a provider
# block: scripts/module-tests.sh writes it into its copy of the module
# (mock_regions.tf) from the summary the mock prints.

variables {
  leaver_names = ["dana.leaver"]
}

# Mistakes stop the plan before anything is revoked.

run "unknown_cluster" {
  command = plan

  variables {
    cluster_ids = ["c0000000-0000-4000-8000-0000000000a1", "c0000000-0000-4000-8000-00000000ffff"]
  }

  expect_failures = [data.cce_clusters.all]
}

run "both_selections" {
  command = plan

  variables {
    cluster_ids  = ["c0000000-0000-4000-8000-0000000000a1"]
    all_clusters = true
  }

  expect_failures = [data.cce_clusters.all]
}

run "unknown_leaver" {
  command = plan

  variables {
    cluster_ids  = ["c0000000-0000-4000-8000-0000000000a1"]
    leaver_names = ["dana.leaver", "nobody"]
  }

  expect_failures = [data.cce_certificate_applicants.all]
}

run "keep_written_by_hand" {
  command = plan

  variables {
    cluster_ids = ["c0000000-0000-4000-8000-0000000000a1"]
    keep        = { "1ea7e0000000000000000000000000a2" = "user" }
  }

  expect_failures = [var.keep]
}

# A cluster too old for revocation is reported, not fatal: the check warns
# (a test must expect it) and the other clusters get their revocations.
run "ineligible_cluster" {
  command = plan

  variables {
    cluster_ids = ["c0000000-0000-4000-8000-0000000000a1", "c0000000-0000-4000-8000-0000000000a3"]
  }

  expect_failures = [check.every_cluster_takes_revocations, check.keep_is_saved]

  assert {
    condition     = keys(output.ineligible_clusters) == ["c0000000-0000-4000-8000-0000000000a3"]
    error_message = "Only old should be ineligible: ${jsonencode(output.ineligible_clusters)}"
  }
  assert {
    condition     = output.ineligible_clusters["c0000000-0000-4000-8000-0000000000a3"].minimum_version == "v1.23.9-r10"
    error_message = "old needs v1.23.9-r10: ${jsonencode(output.ineligible_clusters)}"
  }
  assert {
    condition     = keys(cce_credential_revocations.this) == ["c0000000-0000-4000-8000-0000000000a1"]
    error_message = "One batch, on prod only. Planned: ${jsonencode(keys(cce_credential_revocations.this))}"
  }
  assert {
    condition     = length(cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000a1"].others) == 3
    error_message = "On prod: dana.leaver, erin.former and old-vendor. Planned: ${jsonencode(cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000a1"].others)}"
  }
  assert {
    condition     = cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000a1"].revocations["other/a9e000000000000000000000000000a5/agency"].applicant_type == "agency"
    error_message = "old-vendor must be sent as an agency: ${jsonencode(cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000a1"].revocations)}"
  }
}

# Every cluster: the leaver and this week's deletions, on prod and staging.
run "all_clusters" {
  variables {
    all_clusters = true
  }

  expect_failures = [check.every_cluster_takes_revocations, check.keep_is_saved]

  assert {
    condition     = length(output.revoked) == 6
    error_message = "Want 3 identities on 2 clusters: ${jsonencode(output.revoked)}"
  }
  assert {
    condition     = output.revoked["c0000000-0000-4000-8000-0000000000a2/a9e000000000000000000000000000a5"] == "agency old-vendor on staging"
    error_message = "The deleted agency is not revoked on staging: ${jsonencode(output.revoked)}"
  }
  assert {
    condition     = output.revoked["c0000000-0000-4000-8000-0000000000a1/e1e1e0000000000000000000000000a4"] == "user erin.former on prod"
    error_message = "The deleted user is not revoked on prod: ${jsonencode(output.revoked)}"
  }
  assert {
    condition     = length(output.keep) == 6
    error_message = "keep must list every revocation: ${jsonencode(output.keep)}"
  }
  assert {
    condition     = length(cce_credential_revocations.this) == 2
    error_message = "One resource instance per cluster, not per revocation: ${jsonencode(keys(cce_credential_revocations.this))}"
  }
  assert {
    condition     = alltrue([for r in cce_credential_revocations.this : alltrue([for e in r.revocations : e.revoked_at != null && e.cluster_version != null])])
    error_message = "Every revocation records when and on which version: ${jsonencode([for r in cce_credential_revocations.this : r.revocations])}"
  }
}

# A week later: nobody is named and the deletions left the CTS window. With
# keep saved, every revocation stays: nothing is destroyed and the keep
# check is quiet.
run "keep_saved" {
  variables {
    all_clusters          = true
    leaver_names          = []
    revoke_deleted_within = ""
    keep                  = run.all_clusters.keep
  }

  expect_failures = [check.every_cluster_takes_revocations]

  assert {
    condition     = jsonencode(output.keep) == jsonencode(var.keep)
    error_message = "keep changed: ${jsonencode(output.keep)}"
  }
}

# Every region in one call: one batch per eligible cluster of each region, in
# the cluster's region and project; the ineligible clusters of every region
# are reported with their region; the enabled leaver is named.
run "regions" {
  variables {
    all_clusters = true
    regions      = ["eu-west-101", "eu-de", "eu-nl"]
    leaver_names = ["dana.leaver", "max.leaving"]
    keep         = run.keep_saved.keep
  }

  expect_failures = [check.every_cluster_takes_revocations, check.keep_is_saved, check.leavers_are_disabled]

  assert {
    condition     = jsonencode(sort(keys(cce_credential_revocations.this))) == jsonencode(["c0000000-0000-4000-8000-0000000000a1", "c0000000-0000-4000-8000-0000000000a2", "c0000000-0000-4000-8000-0000000000d1", "c0000000-0000-4000-8000-0000000000e1"])
    error_message = "One batch per eligible cluster of the three regions: ${jsonencode(keys(cce_credential_revocations.this))}"
  }
  assert {
    condition     = cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000d1"].region == "eu-de" && cce_credential_revocations.this["c0000000-0000-4000-8000-0000000000e1"].project_id == "0a0000000000000000000000000000a1"
    error_message = "Each batch is made in its cluster's region and project: ${jsonencode({ for id, r in cce_credential_revocations.this : id => "${r.region}/${r.project_id}" })}"
  }
  assert {
    condition     = keys(output.ineligible_clusters) == ["c0000000-0000-4000-8000-0000000000a3", "c0000000-0000-4000-8000-0000000000d2"] && output.ineligible_clusters["c0000000-0000-4000-8000-0000000000d2"].region == "eu-de"
    error_message = "old and de-old are skipped, each with its region: ${jsonencode(output.ineligible_clusters)}"
  }
  assert {
    condition     = jsonencode(output.still_enabled) == jsonencode(["max.leaving"])
    error_message = "Only max.leaving is still enabled: ${jsonencode(output.still_enabled)}"
  }
  assert {
    condition     = output.revoked["c0000000-0000-4000-8000-0000000000e1/1ea7e0000000000000000000000000a6"] == "user max.leaving on nl-prod" && output.revoked["c0000000-0000-4000-8000-0000000000d1/1ea7e0000000000000000000000000a2"] == "user dana.leaver on de-prod"
    error_message = "The leavers are revoked in every region: ${jsonencode(output.revoked)}"
  }
  assert {
    condition     = length(output.revoked) == 4 * 4
    error_message = "4 identities on 4 clusters: ${jsonencode(output.revoked)}"
  }
}

# cluster_ids may name clusters of any listed region; one outside them is an error.
run "cluster_outside_the_regions" {
  command = plan

  variables {
    cluster_ids = ["c0000000-0000-4000-8000-0000000000a1", "c0000000-0000-4000-8000-0000000000d1"]
    regions     = ["eu-west-101", "eu-nl"]
  }

  expect_failures = [data.cce_clusters.all]
}
