variable "text" {
  type = string
}

output "id" {
  value = provider::cce::certificate_applicant_id(var.text)
}
