package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// applyRecorder stands in for the framework's server: it keeps the context
// of the last ApplyResourceChange.
type applyRecorder struct {
	fullServer
	ctx context.Context
}

func (a *applyRecorder) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

func (a *applyRecorder) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	a.ctx = ctx
	return &tfprotov6.ApplyResourceChangeResponse{}, nil
}

// A request that reaches the provider after StopProvider carries the stop
// (terraform-plugin-go gives it a fresh context), and the revocation it
// would send is not sent.
func TestStopSignal_applyAfterStop(t *testing.T) {
	rec := &applyRecorder{}
	s := withStopSignal(rec)
	if _, err := s.StopProvider(t.Context(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyResourceChange(t.Context(), &tfprotov6.ApplyResourceChangeRequest{}); err != nil {
		t.Fatal(err)
	}
	interrupt, release := interruptOf(rec.ctx)
	defer release()
	select {
	case <-interrupt.Done():
	case <-time.After(time.Second):
		t.Fatal("an apply that came after the stop does not see it")
	}

	cloud := mockcloud.NewForTest(t)
	e := engineFor(t, cloud, cloud.URL())
	target := bobOn(mockcloud.ProdClusterID)
	mustCheck(t, e, target)
	diags := e.sendRevocation(rec.ctx, target, time.Minute)
	if !diags.HasError() || cloud.Count(mockcloud.RouteRevoke) != 0 {
		t.Fatalf("after the stop: %d revocations sent, diagnostics %s", cloud.Count(mockcloud.RouteRevoke), diagText(diags))
	}
	t.Logf("%s", diagText(diags))
}

// The framework's server is wrapped (it serves actions), so main serves the
// stop-aware server.
func TestStopSignal_wrapsFrameworkServer(t *testing.T) {
	if _, ok := NewServer("test")().(*stopAwareServer); !ok {
		t.Fatal("NewServer does not return the stop-aware server")
	}
}
