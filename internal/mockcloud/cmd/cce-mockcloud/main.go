// Command cce-mockcloud serves the fake IAM + CCE + CTS cloud of package
// mockcloud standalone, for demos, manual testing and module tests: the demo
// account, or the world a -scenario file declares. It prints what it serves,
// writes the CA certificate and an env.sh with the caller's credentials and
// the control API's token into the state directory, and serves until SIGINT
// or SIGTERM. internal/mockcloud/README.md documents the scenario format and
// the control API.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// main parses flags and runs the server until SIGINT or SIGTERM.
func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cce-mockcloud:", err)
		os.Exit(1)
	}
}

// run is main without the process exit, for readability.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cce-mockcloud", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dir := fs.String("dir", "", "state directory for ca.pem, env.sh and ready (required)")
	flavour := fs.String("flavour", "", "response flavour: hwc or otc (default: the scenario's, else hwc)")
	var faults []mockcloud.Fault
	fs.Func("fault", "inject a fault (repeatable): route=<label, Route* name or *>,kind=<"+
		"500|502|503|429|latency|reset|commit-drop|expire-tokens>,p=<0..1>[,times=N][,latency=20ms][,retry-after=2]",
		func(v string) error {
			f, err := mockcloud.ParseFault(v)
			if err != nil {
				return err
			}
			faults = append(faults, f)
			return nil
		})
	seed := fs.Int64("seed", 1, "seed of the fault injection's random source")
	latency := fs.Duration("latency", 0, "add this latency to every request (a latency fault on route *)")
	clockSkew := fs.Duration("clock-skew", 0, "run the server clock this far ahead (negative: behind)")
	scenarioFile := fs.String("scenario", "", "serve the world this JSON or YAML file declares instead of the demo account")
	var quota quotaFlag
	fs.Var(&quota, "quota", "the account's API quota: RPS or RPS/BURST requests per second (burst default: RPS); beyond it 429 APIGW.0308 (default: none)")
	extra := fs.Int("extra-clusters", 0, "add this many Available v1.28 clusters (IDs c0000000-0000-4000-8000-1000000000NN from 00)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *latency < 0 {
		return fmt.Errorf("-latency must not be negative, got %s", *latency)
	}
	if *latency > 0 {
		faults = append(faults, mockcloud.Fault{Kind: mockcloud.FaultLatency, Probability: 1, Latency: *latency})
	}
	if *dir == "" {
		return errors.New("-dir is required")
	}
	if *extra < 0 || *extra > 1000 {
		return fmt.Errorf("-extra-clusters must be from 0 to 1000, got %d", *extra)
	}
	if *flavour != "" && *flavour != string(mockcloud.FlavourHWC) && *flavour != string(mockcloud.FlavourOTC) {
		return fmt.Errorf("-flavour must be hwc or otc, got %q", *flavour)
	}
	var scenario *mockcloud.Scenario
	if *scenarioFile != "" {
		var err error
		if scenario, err = mockcloud.ReadScenarioFile(*scenarioFile); err != nil {
			return err
		}
	}
	if *flavour == "" {
		*flavour = string(mockcloud.FlavourHWC)
		if scenario != nil {
			*flavour = string(scenario.Flavour())
		}
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	stateDir, err := filepath.Abs(*dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)

	opts := []mockcloud.Option{mockcloud.WithAddr(*addr), mockcloud.WithFlavour(mockcloud.Flavour(*flavour)),
		mockcloud.WithLogWriter(stderr), mockcloud.WithFaults(*seed, faults...), mockcloud.WithClockSkew(*clockSkew),
		mockcloud.WithQuota(quota.rps, quota.burst)}
	if scenario != nil && scenario.Base() == mockcloud.BaseEmpty {
		opts = append(opts, mockcloud.WithoutSeed())
	}
	cloud, err := mockcloud.Start(opts...)
	if err != nil {
		return err
	}
	defer cloud.Close()
	caller := demoCaller
	if scenario != nil {
		if caller, err = cloud.LoadScenario(scenario); err != nil {
			return err
		}
	}
	cloud.AddExtraClusters(*extra)
	token := mockcloud.NewControlToken()
	cloud.EnableControl(token, caller.ID)

	caPath, err := cloud.WriteCACert(stateDir)
	if err != nil {
		return err
	}
	envPath := filepath.Join(stateDir, "env.sh")
	env := envLines(cloud.Endpoints(), cloud.URL(), caPath, caller, token)
	if err := os.WriteFile(envPath, []byte(env), 0o600); err != nil {
		return fmt.Errorf("write env.sh: %w", err)
	}
	served := "the demo account"
	if scenario != nil {
		served = "scenario " + *scenarioFile
	}
	if _, err := fmt.Fprint(stdout, summary(cloud, served, caller.Name)+faultLines(*seed, faults, *clockSkew)+quota.line()+
		"#\n# These are DEMO credentials of a FAKE cloud; they grant nothing anywhere else.\n"+
		"# Paste into your shell or: source "+envPath+"\n"+env); err != nil {
		return fmt.Errorf("write stdout: %w", err)
	}
	readyPath := filepath.Join(stateDir, "ready")
	if err := os.WriteFile(readyPath, []byte(cloud.URL()+"\n"), 0o600); err != nil {
		return fmt.Errorf("write ready: %w", err)
	}
	defer func() { _ = os.Remove(readyPath) }() // Best effort; the process is exiting anyway.

	<-sigs
	return quota.report(stdout, cloud)
}

// faultLines renders the active faults and the clock skew as shell comments.
func faultLines(seed int64, faults []mockcloud.Fault, skew time.Duration) string {
	var b strings.Builder
	if len(faults) == 0 {
		b.WriteString("# fault injection: none\n")
	} else {
		fmt.Fprintf(&b, "# fault injection, seed %d:\n", seed)
	}
	for _, f := range faults {
		b.WriteString("#   -fault '" + f.String() + "'\n")
	}
	if skew != 0 {
		b.WriteString("# server clock skew: " + skew.String() + "\n")
	}
	return b.String()
}

// demoCaller is the user env.sh signs in as without a scenario.
var demoCaller = mockcloud.User{ID: mockcloud.AdminUserID, Name: mockcloud.AdminUserName,
	AccessKey: mockcloud.AdminAccessKey, SecretKey: mockcloud.AdminSecretKey}

// envLines renders the export lines of env.sh: the provider's settings
// signed in as caller, then the control API's address and token.
func envLines(e mockcloud.Endpoints, url, caPath string, caller mockcloud.User, token string) string {
	return fmt.Sprintf(`export HW_REGION_NAME=%s
export HW_PROJECT_ID=%s
export HW_ACCESS_KEY=%s
export HW_SECRET_KEY=%s
export HW_IAM_ENDPOINT=%s
export HW_CCE_ENDPOINT=%s
export HW_CTS_ENDPOINT=%s
export HW_STS_ENDPOINT=%s
export HW_CACERT_FILE=%s
export CCE_MOCKCLOUD_CONTROL_URL=%s
export CCE_MOCKCLOUD_CONTROL_TOKEN=%s
`, mockcloud.Region, mockcloud.ProjectID, caller.AccessKey, caller.SecretKey, e.IAM, e.CCE[mockcloud.Region],
		e.CTS[mockcloud.Region], e.STS, caPath,
		strings.TrimSuffix(url+mockcloud.ControlPrefix, "/"), token)
}
