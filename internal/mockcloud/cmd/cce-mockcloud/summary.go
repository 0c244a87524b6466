package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud"
)

// summary renders what the cloud serves as shell comments: clusters with
// versions and phases, users, agencies, deletions CTS still reports, and the
// control API. served names the source ("the demo account", "scenario F").
func summary(cloud *mockcloud.Cloud, served, callerName string) string {
	w := cloud.World()
	var b strings.Builder
	fmt.Fprintf(&b, "# cce-mockcloud: a FAKE IAM + CCE + CTS at %s, serving %s.\n", cloud.URL(), served)
	table(&b, fmt.Sprintf("Clusters (%d)", len(w.Clusters)), "NAME\tID\tVERSION\tPHASE\tREVOCATION", len(w.Clusters), func(i int) string {
		cl := w.Clusters[i]
		revocation := "yes"
		if !cl.Revocable {
			revocation = "no: " + cl.Reason
		}
		return strings.Join([]string{cl.Name, cl.ID, cl.Version, cl.Phase, revocation}, "\t")
	})
	table(&b, fmt.Sprintf("Users (%d)", len(w.Users)), "NAME\tID\tGROUPS\tACCESS KEY\tSECRET KEY\tPASSWORD", len(w.Users), func(i int) string {
		u := w.Users[i]
		sk, pw := cloud.DemoSecrets(u.ID)
		line := strings.Join([]string{u.Name, u.ID, strings.Join(u.Groups, ","), orDash(u.AccessKey), orDash(sk), orDash(pw)}, "\t")
		if !u.Enabled {
			line += "\t(disabled)"
		}
		if u.Name == callerName {
			line += "\t<- env.sh signs in as this user"
		}
		return line
	})
	table(&b, fmt.Sprintf("Agencies (%d)", len(w.Agencies)), "NAME\tID\tTRUSTED DOMAIN", len(w.Agencies), func(i int) string {
		a := w.Agencies[i]
		return strings.Join([]string{a.Name, a.ID, a.TrustDomainName}, "\t")
	})
	table(&b, fmt.Sprintf("Deleted in the last 7 days, as CTS reports them (%d)", len(w.Deleted)), "TYPE\tNAME\tID\tDELETED\tBY",
		len(w.Deleted), func(i int) string {
			di := w.Deleted[i]
			return strings.Join([]string{di.Type, di.Name, di.ID, ago(w.Now.Sub(di.DeletedAt)), di.By}, "\t")
		})
	fmt.Fprintf(&b, "#\n# Control API (loopback only): %s with Authorization: Bearer $CCE_MOCKCLOUD_CONTROL_TOKEN\n"+
		"#   see internal/mockcloud/README.md\n", strings.TrimSuffix(cloud.URL()+mockcloud.ControlPrefix, "/"))
	fmt.Fprintf(&b, "#   An agency session's temporary keys (a pipeline job's): POST %sagencies/<agency>/sessions\n"+
		"#   with {\"session_name\": \"plan-job-1\"} answers access_key, secret_key and security_token.\n",
		cloud.URL()+mockcloud.ControlPrefix)
	return b.String()
}

// orDash shows "-" for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// table writes a titled, aligned table of n rows as comments.
func table(b *strings.Builder, title, header string, n int, row func(int) string) {
	if n == 0 {
		fmt.Fprintf(b, "#\n# %s: none\n", strings.TrimSuffix(title, " (0)"))
		return
	}
	fmt.Fprintf(b, "#\n# %s:\n", title)
	var rows strings.Builder
	tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
	// Writes to a strings.Builder do not fail.
	_, _ = fmt.Fprintf(tw, "#   %s\n", header)
	for i := range n {
		_, _ = fmt.Fprintf(tw, "#   %s\n", row(i))
	}
	_ = tw.Flush()
	for line := range strings.Lines(rows.String()) {
		b.WriteString(strings.TrimRight(line, " \n") + "\n") // tabwriter pads empty last cells
	}
}

// ago renders a duration as "2d3h ago", "5h ago" or "just now".
func ago(d time.Duration) string {
	d = d.Round(time.Hour)
	switch {
	case d <= 0:
		return "just now"
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd ago", int(d.Hours())/24)
	}
	return fmt.Sprintf("%dd%dh ago", int(d.Hours())/24, int(d.Hours())%24)
}
