package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// On Ctrl-C Terraform calls StopProvider. terraform-plugin-go then cancels
// the contexts of the requests in flight, and gives every later request a
// fresh one: a Create that Terraform had announced ("Creating...") but that
// reaches the provider just after the stop would run as if nothing happened,
// retries and all. The server below remembers the stop and hands it to every
// apply and action in its context, where the revocation's send path
// (detached) treats it as the interrupt.

// NewServer returns the provider's protocol 6 server, which remembers a stop.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return withStopSignal(providerserver.NewProtocol6(New(version)())())
	}
}

// newTestServer is NewServer for a provider made by newWithEnv.
func newTestServer(p func() provider.Provider) tfprotov6.ProviderServer {
	return withStopSignal(providerserver.NewProtocol6(p())())
}

// fullServer is what the framework's server implements and this provider
// uses: resources, data sources, functions, ephemeral resources, actions.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// stopAwareServer passes every call on, notes StopProvider, and puts the
// stop into the context of ApplyResourceChange and InvokeAction.
type stopAwareServer struct {
	fullServer
	stopped context.Context
	stop    context.CancelFunc
}

// withStopSignal wraps s; a server without actions is returned as it is.
func withStopSignal(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := s.(fullServer)
	if !ok {
		return s
	}
	stopped, stop := context.WithCancel(context.Background())
	return &stopAwareServer{fullServer: full, stopped: stopped, stop: stop}
}

// StopProvider implements tfprotov6.ProviderServer.
func (s *stopAwareServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.stop()
	return s.fullServer.StopProvider(ctx, req)
}

// ApplyResourceChange implements tfprotov6.ResourceServer.
func (s *stopAwareServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return s.fullServer.ApplyResourceChange(context.WithValue(ctx, stopKey{}, s.stopped), req)
}

// InvokeAction implements tfprotov6.ActionServer.
func (s *stopAwareServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return s.fullServer.InvokeAction(context.WithValue(ctx, stopKey{}, s.stopped), req)
}

type stopKey struct{}

// interruptOf returns the interrupt of a request: a context done when ctx is
// done or when the provider was told to stop, even before the request came;
// release frees it.
func interruptOf(ctx context.Context) (context.Context, func()) {
	stopped, _ := ctx.Value(stopKey{}).(context.Context)
	if stopped == nil {
		return ctx, func() {}
	}
	interrupt, cancel := context.WithCancel(ctx)
	if stopped.Err() != nil {
		cancel() // now, not in AfterFunc's goroutine: the caller is about to send
	}
	undo := context.AfterFunc(stopped, cancel)
	return interrupt, func() {
		undo()
		cancel()
	}
}
