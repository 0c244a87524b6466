// Package sdkcompat checks the mock cloud against the official Huawei Cloud Go
// SDK, a client nobody on this project wrote. It is a separate Go module so
// the provider's module never depends on the SDK.
package sdkcompat
