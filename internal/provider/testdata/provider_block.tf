# Every provider argument from a variable (null when unset), so one file serves
# every provider-block case of the bad-input catalogue.
variable "region" {
  type    = string
  default = null
}

variable "project_id" {
  type    = string
  default = null
}

variable "access_key" {
  type    = string
  default = null
}

variable "secret_key" {
  type      = string
  default   = null
  sensitive = true
}

variable "security_token" {
  type      = string
  default   = null
  sensitive = true
}

variable "auth_token" {
  type      = string
  default   = null
  sensitive = true
}

variable "domain_id" {
  type    = string
  default = null
}

variable "cloud" {
  type    = string
  default = null
}

variable "endpoints" {
  type = object({
    iam = optional(string)
    cce = optional(string)
    cts = optional(string)
    sts = optional(string)
  })
  default = null
}

variable "cacert_file" {
  type    = string
  default = null
}

variable "max_retries" {
  type    = number
  default = null
}

variable "rate_limit" {
  type    = number
  default = null
}

provider "cce" {
  region         = var.region
  project_id     = var.project_id
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
  auth_token     = var.auth_token
  domain_id      = var.domain_id
  cloud          = var.cloud
  endpoints      = var.endpoints
  cacert_file    = var.cacert_file
  max_retries    = var.max_retries
  rate_limit     = var.rate_limit
}

data "cce_caller_identity" "me" {}
