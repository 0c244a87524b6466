terraform {
  required_providers {
    cce = {
      source = "cceops/cce"
    }
  }
}
