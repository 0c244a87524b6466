// Command cce-probe asks a real account, read-only, whether the guesses of
// internal/mockcloud/UNCONFIRMED.md hold, and prints one row per guess:
// confirmed, REFUTED (with what the cloud said), or not checkable read-only
// or with the credentials at hand.
//
//	cce-probe [-record DIR] [-replay DIR]
//
// It reads the provider's variables (HW_REGION_NAME, HW_ACCESS_KEY,
// HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_USER_NAME/HW_PASSWORD/HW_DOMAIN_NAME,
// HW_AUTH_TOKEN, HW_PROJECT_ID, HW_DOMAIN_ID, HW_CLOUD, HW_*_ENDPOINT,
// HW_CACERT_FILE) and CCE_TEST_CLUSTER_ID; every kind of credential that is
// set is tried. -record saves every answer into DIR, with the account's IDs
// replaced by placeholders and every secret removed; -replay sends a
// recording again and reports where the answers differ (the repository's
// tests replay recordings against the mock). Exit status: 0 when nothing is
// refuted, 1 when something is, 2 when the probe could not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/probe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cce-probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	record := fs.String("record", "", "save every answer into this directory (secrets removed, IDs as placeholders)")
	replay := fs.String("replay", "", "send the recording in this directory again and compare the answers, instead of probing")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		say(stderr, "cce-probe: unexpected arguments %q\n", fs.Args())
		return 2
	}
	set, err := probe.SettingsFromEnv(getenv)
	if err != nil {
		sayln(stderr, "cce-probe:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	p, err := probe.New(ctx, set)
	if err != nil {
		sayln(stderr, "cce-probe:", err)
		return 2
	}
	f := p.Facts()
	cluster := f.ClusterID
	if cluster == "" {
		cluster = "none"
	}
	say(stdout, "cce-probe: region %s, project %s, caller %s (%s), credentials %s, cluster %s\n\n",
		f.Region, f.ProjectID, f.UserName, f.Kind, strings.Join(p.Kinds(), ", "), cluster)

	if *replay != "" {
		rec, err := probe.ReadRecording(*replay)
		if err != nil {
			sayln(stderr, "cce-probe:", err)
			return 2
		}
		diffs, skipped := p.Replay(ctx, rec)
		for _, s := range skipped {
			sayln(stdout, "skipped:", s)
		}
		for _, d := range diffs {
			sayln(stdout, "differs:", d)
		}
		say(stdout, "%d recorded answers: %d differ, %d skipped\n", len(rec), len(diffs), len(skipped))
		if len(diffs) > 0 {
			return 1
		}
		return 0
	}

	rows := p.Run(ctx)
	if err := probe.Print(stdout, rows); err != nil {
		sayln(stderr, "cce-probe:", err)
		return 2
	}
	if *record != "" {
		exs := p.Exchanges()
		if err := probe.WriteRecording(*record, exs); err != nil {
			sayln(stderr, "cce-probe: recording:", err)
			return 2
		}
		say(stdout, "recorded %d answers into %s\n", len(exs), *record)
	}
	for _, r := range rows {
		if r.Verdict == probe.Refuted {
			return 1
		}
	}
	return 0
}

// say and sayln write to a terminal or a pipe; when that fails there
// is nowhere left to report it.
func say(w io.Writer, format string, a ...any) { _, _ = fmt.Fprintf(w, format, a...) }

func sayln(w io.Writer, a ...any) { _, _ = fmt.Fprintln(w, a...) }
