# The clusters of several regions in one read, with one provider block.
variable "region_endpoints" {
  type = map(object({
    cce = string
    cts = string
  }))
}

variable "regions" {
  type    = list(string)
  default = null
}

provider "cce" {
  region_endpoints = var.region_endpoints
}

data "cce_clusters" "this" {
  regions = var.regions
}

output "revocable" {
  value = { for c in data.cce_clusters.this.clusters : c.name => "${c.region}/${c.project_id}" if c.revocable }
}
