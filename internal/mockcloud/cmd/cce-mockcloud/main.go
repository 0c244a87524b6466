// Command cce-mockcloud serves the fake IAM + CCE + CTS cloud of package
// mockcloud standalone, for demos and manual testing. It writes the CA
// certificate and an env.sh with demo credentials into the state directory.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

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
	flavour := fs.String("flavour", "hwc", "response flavour: hwc or otc")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("-dir is required")
	}
	if *flavour != string(mockcloud.FlavourHWC) && *flavour != string(mockcloud.FlavourOTC) {
		return fmt.Errorf("-flavour must be hwc or otc, got %q", *flavour)
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

	cloud, err := mockcloud.Start(mockcloud.WithAddr(*addr), mockcloud.WithFlavour(mockcloud.Flavour(*flavour)),
		mockcloud.WithLogWriter(stderr))
	if err != nil {
		return err
	}
	defer cloud.Close()

	caPath, err := cloud.WriteCACert(stateDir)
	if err != nil {
		return err
	}
	env := envLines(cloud.URL(), caPath)
	if err := os.WriteFile(filepath.Join(stateDir, "env.sh"), []byte(env), 0o600); err != nil {
		return fmt.Errorf("write env.sh: %w", err)
	}
	if _, err := fmt.Fprint(stdout, "# cce-mockcloud is running. These are DEMO credentials of a FAKE cloud;\n"+
		"# they grant nothing anywhere else. Paste into your shell or: source "+
		filepath.Join(stateDir, "env.sh")+"\n"+env); err != nil {
		return fmt.Errorf("write stdout: %w", err)
	}
	readyPath := filepath.Join(stateDir, "ready")
	if err := os.WriteFile(readyPath, []byte(cloud.URL()+"\n"), 0o600); err != nil {
		return fmt.Errorf("write ready: %w", err)
	}
	defer func() { _ = os.Remove(readyPath) }() // Best effort; the process is exiting anyway.

	<-sigs
	return nil
}

// envLines renders the export lines of env.sh.
func envLines(url, caPath string) string {
	return fmt.Sprintf(`export HW_REGION_NAME=%s
export HW_PROJECT_ID=%s
export HW_ACCESS_KEY=%s
export HW_SECRET_KEY=%s
export HW_IAM_ENDPOINT=%s
export HW_CCE_ENDPOINT=%s
export HW_CTS_ENDPOINT=%s
export HW_CACERT_FILE=%s
`, mockcloud.Region, mockcloud.ProjectID, mockcloud.AdminAccessKey, mockcloud.AdminSecretKey, url, url, url, caPath)
}
