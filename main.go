// Command terraform-provider-cce serves the CCE credential provider to Terraform
// and OpenTofu over plugin protocol 6.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/cceops/terraform-provider-cce/internal/provider"
)

// version is set by goreleaser (or make build) through -ldflags "-X main.version=...".
var version = "dev"

// Address is the registry address Terraform uses for this provider.
const address = "registry.terraform.io/cceops/cce"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug { // a provider under a debugger logs to its own terminal
		quietUnlessAsked()
	}

	// As providerserver.Serve does, with a server that remembers a stop
	// (internal/provider/stop_signal.go).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(address, provider.NewServer(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
