# The module's own tests: `terraform test` (Terraform 1.6+) or `tofu test`,
# run from the module's directory against the mock cloud serving
# examples/mockcloud/modules.yaml (signed in as ci-admin). `make test-modules`
# does all of it; see ../offboarding/README.md, "Testing the module".

variables {
  cluster_ids = ["c0000000-0000-4000-8000-0000000000a1", "c0000000-0000-4000-8000-0000000000a2"]
  incident    = "INC-1"
}

run "no_clusters" {
  command = plan

  variables {
    cluster_ids = []
  }

  expect_failures = [var.cluster_ids]
}

run "no_incident" {
  command = plan

  variables {
    incident = " "
  }

  expect_failures = [var.incident]
}

# The signed-in identity revokes its own credentials, then gets fresh ones.
run "first_rotation" {
  assert {
    condition     = alltrue([for r in cce_credential_revocation.mine : r.user_id == data.cce_caller_identity.me.user_id])
    error_message = "Only the caller's own credentials may be revoked."
  }
  assert {
    condition     = data.cce_caller_identity.me.user_name == "ci-admin"
    error_message = "Signed in as ${data.cce_caller_identity.me.user_name}, want the scenario's caller ci-admin."
  }
  assert {
    condition     = length(output.serial_numbers) == 2 && alltrue([for s in values(output.serial_numbers) : s != ""])
    error_message = "Want a fresh credential per cluster: ${jsonencode(output.serial_numbers)}"
  }
}

# The same incident again: nothing is revoked or issued. An earlier run's
# outputs reach assertions through a variable, set from the run just before:
# OpenTofu 1.12 reads no run.<name> in assertions, and an older run's outputs
# come out unknown once a later run has changed their resources.
run "same_incident" {
  variables {
    before = run.first_rotation.serial_numbers
  }

  assert {
    condition     = jsonencode(output.serial_numbers) == jsonencode(var.before)
    error_message = "The credentials changed without a new incident."
  }
}

# A new incident revokes again and issues new credentials.
run "next_incident" {
  variables {
    incident = "INC-2"
    before   = run.same_incident.serial_numbers
  }

  assert {
    condition     = output.serial_numbers["c0000000-0000-4000-8000-0000000000a1"] != var.before["c0000000-0000-4000-8000-0000000000a1"]
    error_message = "A new incident must issue a new credential for prod."
  }
  assert {
    condition     = output.serial_numbers["c0000000-0000-4000-8000-0000000000a2"] != var.before["c0000000-0000-4000-8000-0000000000a2"]
    error_message = "A new incident must issue a new credential for staging."
  }
}
