# Import blocks are written by the test (their IDs are literals in Terraform
# 1.5); plan -generate-config-out writes the resources.
terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}
