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
	fmt.Fprintf(&b, "# cce-mockcloud: a FAKE IAM + STS + CCE + CTS, serving %s.\n", served)
	b.WriteString(hostLines(cloud.Endpoints(), cloud.URL()))
	table(&b, fmt.Sprintf("Clusters (%d)", len(w.Clusters)), "NAME\tID\tVERSION\tPHASE\tREGION\tPROJECT\tREVOCATION", len(w.Clusters), func(i int) string {
		cl := w.Clusters[i]
		revocation := "yes"
		if !cl.Revocable {
			revocation = "no: " + cl.Reason
		}
		return strings.Join([]string{cl.Name, cl.ID, cl.Version, cl.Phase, cl.Region, cl.ProjectID, revocation}, "\t")
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

// hostLines lists every host of the cloud, and the provider's
// region_endpoints for the regions other than the first.
func hostLines(e mockcloud.Endpoints, all string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Hosts: IAM %s  STS %s  (every service of %s: %s)\n", e.IAM, e.STS, mockcloud.Region, all)
	for _, r := range mockcloud.Regions() {
		fmt.Fprintf(&b, "#   %-12s CCE %s  CTS %s\n", r, e.CCE[r], e.CTS[r])
	}
	b.WriteString("# Other regions, in the provider block:\n#   region_endpoints = {\n")
	for _, r := range mockcloud.Regions()[1:] {
		fmt.Fprintf(&b, "#     %q = { cce = %q, cts = %q }\n", r, e.CCE[r], e.CTS[r])
	}
	b.WriteString("#   }\n")
	return b.String()
}
