package mockcloud

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cts"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// World is what the cloud holds now, as the standalone command prints it at
// start and the control API's GET /mockcloud/v1/world returns it. It holds
// no secret key or password.
type World struct {
	// Now is the cloud's clock (which -clock-skew moves).
	Now      time.Time      `json:"now"`
	Clusters []WorldCluster `json:"clusters"`
	Users    []WorldUser    `json:"users"`
	Agencies []WorldAgency  `json:"agencies"`
	Groups   []string       `json:"groups"`
	// Deleted lists the successful deleteUser and deleteAgency traces CTS
	// still answers for (the last 7 days), newest first.
	Deleted []WorldDeleted `json:"deleted"`
}

// WorldCluster is a cluster with its resolved version.
type WorldCluster struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Phase string `json:"phase"`
	// Version is the full version the revocation check uses, "" when none resolves.
	Version string `json:"version"`
	// Revocable tells whether clustercertrevoke succeeds now; Reason says why not.
	Revocable bool   `json:"revocable"`
	Reason    string `json:"reason,omitempty"`
	// Region and ProjectID say where the cluster is.
	Region    string `json:"region"`
	ProjectID string `json:"projectId"`
}

// WorldUser is an IAM user without its secrets.
type WorldUser struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Enabled   bool     `json:"enabled"`
	Groups    []string `json:"groups"`
	AccessKey string   `json:"accessKey,omitempty"`
}

// WorldAgency is an agency.
type WorldAgency struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	TrustDomainName string `json:"trustDomainName,omitempty"`
	Admin           bool   `json:"admin,omitempty"`
}

// WorldDeleted is a deleted user or agency as CTS reports it.
type WorldDeleted struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	DeletedAt time.Time `json:"deletedAt"`
	By        string    `json:"by"`
}

// World returns what the cloud holds now, sorted by name.
func (c *Cloud) World() World {
	now := c.now()
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	w := World{Now: now.UTC(), Clusters: []WorldCluster{}, Users: []WorldUser{}, Agencies: []WorldAgency{}, Deleted: []WorldDeleted{}}
	for _, cl := range c.acct.Clusters {
		w.Clusters = append(w.Clusters, worldCluster(cl.Cluster))
	}
	slices.SortFunc(w.Clusters, func(a, b WorldCluster) int { return strings.Compare(a.Name, b.Name) })
	for _, u := range c.acct.SortedUsers() {
		w.Users = append(w.Users, WorldUser{ID: u.ID, Name: u.Name, Enabled: u.Enabled,
			Groups: append([]string{}, u.Groups...), AccessKey: u.AccessKey})
	}
	for _, a := range c.acct.Agencies {
		w.Agencies = append(w.Agencies, WorldAgency{ID: a.ID, Name: a.Name, TrustDomainName: a.TrustDomainName, Admin: a.Admin})
	}
	slices.SortFunc(w.Agencies, func(a, b WorldAgency) int { return strings.Compare(a.Name, b.Name) })
	for g := range c.acct.Groups {
		w.Groups = append(w.Groups, g)
	}
	slices.Sort(w.Groups)
	oldest := now.Add(-cts.Retention)
	for _, t := range c.acct.Traces {
		if t.IsDeletion() && !t.Time.Before(oldest) && !t.Time.After(now) {
			w.Deleted = append(w.Deleted, WorldDeleted{Type: t.ResourceType, ID: t.ResourceID, Name: t.ResourceName,
				DeletedAt: t.Time.UTC(), By: t.UserName})
		}
	}
	slices.SortFunc(w.Deleted, func(a, b WorldDeleted) int {
		return cmp.Or(b.DeletedAt.Compare(a.DeletedAt), strings.Compare(a.Name, b.Name))
	})
	return w
}

// worldCluster resolves a cluster's version and whether it takes a revocation
// now, as CCE decides (world.RevocationRefusal).
func worldCluster(cl Cluster) WorldCluster {
	wc := WorldCluster{ID: cl.ID, Name: cl.Name, Phase: cl.Phase, Region: cl.Region, ProjectID: cl.ProjectID}
	refusal, v, found := world.RevocationRefusal(cl)
	if found {
		wc.Version = v.String()
	}
	switch {
	case refusal == world.NotAvailable:
		wc.Reason = "phase " + cl.Phase + " (revocation needs Available)"
	case refusal == world.Locked:
		wc.Reason = "locked (" + cl.LockScene + ")"
	case refusal == world.OldVersion && !found:
		wc.Reason = "no version resolves"
	case refusal == world.OldVersion:
		wc.Reason = "version " + wc.Version + " does not support revocation"
		if least, ok := world.RevokeMinimum(v.Major, v.Minor); ok {
			wc.Reason += fmt.Sprintf(" (the v%d.%d line needs %s)", v.Major, v.Minor, least)
		}
	default:
		wc.Revocable = true
	}
	return wc
}
