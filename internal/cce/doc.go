// Package cce is the API client of terraform-provider-cce. It talks to the
// Huawei Cloud / Open Telekom Cloud CCE, IAM and CTS services and knows
// nothing of Terraform beyond logging through tflog.
//
// Choices made for points the public documentation leaves open
// (UNCONFIRMED in cce-api.md) are kept in wire.go.
package cce
