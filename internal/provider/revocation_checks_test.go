package provider

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// These tests drive the prerequisite engine directly against the mock: the
// paths a CLI cannot reach on purpose (CCE refusing what the checks allowed,
// an interrupt between the checks and the request, a request that never left).

// engineFor returns the engine signed in as the account's administrator.
func engineFor(t *testing.T, cloud *mockcloud.Cloud, cceURL string) revocationChecks {
	t.Helper()
	client, err := cce.NewClient(cce.Config{
		Region: mockcloud.Region, ProjectID: mockcloud.ProjectID,
		IAMEndpoint: cloud.URL(), CCEEndpoint: cceURL, CTSEndpoint: cloud.URL(), STSEndpoint: cloud.URL(),
		CACertPEM:   cloud.CACertPEM(),
		Credentials: cce.Credentials{AccessKey: mockcloud.AdminAccessKey, SecretKey: mockcloud.AdminSecretKey},
		MaxRetries:  1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return revocationChecks{client: client, by: resourceRevoker}
}

func bobOn(clusterID string) revocationTarget {
	a := newApplicant(kindUser, mockcloud.BobUserID, kindUser)
	return revocationTarget{clusterID: clusterID, applicant: &a}
}

// mustCheck runs the checks as a plan would and fails on an error.
func mustCheck(t *testing.T, e revocationChecks, target revocationTarget) revocationFacts {
	t.Helper()
	f, diags := e.check(t.Context(), target, cce.Cached)
	if diags.HasError() {
		t.Fatalf("checks: %v", diags)
	}
	return f
}

func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// A cluster that became busy after this process checked it: CCE refuses, the
// engine looks again, live, waits for the cluster and revokes.
func TestRevocationChecks_refusedBusyWaitsAndRevokes(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	e := engineFor(t, cloud, cloud.URL())
	target := bobOn(mockcloud.ProdClusterID)
	mustCheck(t, e, target)
	cloud.SetClusterPhase(mockcloud.ProdClusterID, "Upgrading")
	time.AfterFunc(1500*time.Millisecond, func() { cloud.SetClusterPhase(mockcloud.ProdClusterID, "Available") })

	if diags := e.sendRevocation(t.Context(), target, time.Minute); diags.HasError() {
		t.Fatalf("revoke: %s", diagText(diags))
	}
	var refused, accepted int
	for _, r := range cloud.Requests() {
		if r.Route != mockcloud.RouteRevoke {
			continue
		}
		switch r.Status {
		case 400:
			refused++
		case 200:
			accepted++
		}
	}
	if refused != 1 || accepted != 1 {
		t.Errorf("%d refused and %d accepted revocations, want 1 and 1", refused, accepted)
	}
}

// A cluster deleted after the checks: the refusal is explained by what a live
// check finds, on cluster_id.
func TestRevocationChecks_refusedExplainedLive(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	e := engineFor(t, cloud, cloud.URL())
	target := bobOn(mockcloud.StagingClusterID)
	mustCheck(t, e, target)
	cloud.DeleteCluster(mockcloud.StagingClusterID)

	diags := e.sendRevocation(t.Context(), target, time.Minute)
	if len(diags) != 1 || diags[0].Summary() != "Cluster not found" || !strings.Contains(diags[0].Detail(), "no such cluster") {
		t.Fatalf("want one Cluster not found, got:\n%s", diagText(diags))
	}
	if a, ok := diags[0].(diag.DiagnosticWithPath); !ok || !a.Path().Equal(path.Root("cluster_id")) {
		t.Errorf("the error is not on cluster_id: %v", diags[0])
	}
}

// An interrupt (the framework cancels the request's context on StopProvider)
// before the request is sent: nothing is sent, and the error says so without
// claiming retries or a lost answer.
func TestRevocationChecks_interruptedBeforeSending(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	e := engineFor(t, cloud, cloud.URL())
	target := bobOn(mockcloud.ProdClusterID)
	mustCheck(t, e, target)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	diags := e.sendRevocation(ctx, target, time.Minute)
	if n := cloud.Count(mockcloud.RouteRevoke); n != 0 {
		t.Errorf("an interrupted revocation sent %d requests", n)
	}
	wantNotSent(t, diags, "Terraform was interrupted")
}

// An interrupt while the request is on its way does not cut it: it finishes,
// so that its outcome is known and can be saved.
func TestRevocationChecks_interruptDoesNotCancelTheRequest(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	cloud.SetFaults(1, mockcloud.Fault{Route: mockcloud.RouteRevoke, Kind: mockcloud.FaultLatency, Probability: 1, Latency: time.Second})
	e := engineFor(t, cloud, cloud.URL())
	target := bobOn(mockcloud.ProdClusterID)
	mustCheck(t, e, target)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)

	if diags := e.sendRevocation(ctx, target, time.Minute); diags.HasError() {
		t.Fatalf("an interrupt during the request failed it:\n%s", diagText(diags))
	}
	if n := len(cloud.Revocations()); n != 1 {
		t.Errorf("the mock holds %d revocations, want 1", n)
	}
}

// A request that cannot leave (nothing listens on the CCE endpoint) is "not
// sent", never "the answer was lost".
func TestRevocationChecks_notSent(t *testing.T) {
	cloud := mockcloud.NewForTest(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "https://" + l.Addr().String()
	_ = l.Close()
	e := engineFor(t, cloud, dead)

	wantNotSent(t, e.sendRevocation(t.Context(), bobOn(mockcloud.ProdClusterID), time.Minute), "could not be sent")
}

func wantNotSent(t *testing.T, diags diag.Diagnostics, detail string) {
	t.Helper()
	text := diagText(diags)
	if len(diags) != 1 || diags[0].Summary() != "Revocation not sent" || !strings.Contains(text, detail) {
		t.Fatalf("want one Revocation not sent (%q), got:\n%s", detail, text)
	}
	for _, claim := range []string{"retries", "lost", "may or may not"} {
		if strings.Contains(text, claim) {
			t.Errorf("the error claims %q:\n%s", claim, text)
		}
	}
}
