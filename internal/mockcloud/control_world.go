package mockcloud

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// This file is the control API's part that changes the world: users,
// groups, agencies and clusters, as IAM and CCE would (deletions leave their
// CTS traces).

// ctlWorld answers GET /world.
func (c *Cloud) ctlWorld(_ *control, q *controlReq) { q.reply(http.StatusOK, c.World()) }

// ctlAddUser answers POST /users with a scenario user.
func (c *Cloud) ctlAddUser(_ *control, q *controlReq) {
	ctlAdd(c, q, "user", func(d *decoder, root *yamlNode) User { return d.user(root, "") }, func(d *decoder, u *User) {
		d.checkUser("", u, func(g string) bool { _, ok := c.acct.Groups[g]; return ok })
		checkNewUser(c.acct, d, "", *u, "")
	}, func(u User) any {
		c.acct.AddUser(u, c.now())
		return worldUser(c.acct.Users[u.ID].User)
	})
}

// ctlAdd answers a POST that adds what its body declares: decode, then with
// the account locked check it (alone and against what the cloud holds), and
// store it unless there was a problem.
func ctlAdd[T any](c *Cloud, q *controlReq, what string, decode func(*decoder, *yamlNode) T,
	check func(*decoder, *T), store func(T) any) {
	var v T
	d, ok := q.decodeBody(what, func(d *decoder, root *yamlNode) { v = decode(d, root) })
	if !ok {
		return
	}
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	check(d, &v)
	if q.problems(d, what) {
		q.reply(http.StatusCreated, store(v))
	}
}

// ctlDeleteUser answers DELETE /users/{user}: IAM deletes the user and CTS
// records a deleteUser trace.
func (c *Cloud) ctlDeleteUser(ctl *control, q *controlReq) { c.ctlDelete(ctl, q, "user", c.DeleteUser) }

// ctlDelete answers the DELETE of a user or agency (kind), named by name or
// ID: IAM deletes it (del) as ?by= (or the control API's actor) and CTS
// records the attempt.
func (c *Cloud) ctlDelete(ctl *control, q *controlReq, kind string, del func(id, by string) bool) {
	ref, byRef := q.r.PathValue(kind), q.r.URL.Query().Get("by")
	c.acct.Mu.Lock()
	var id string
	switch kind {
	case "user":
		if u := findUserRef(c.acct, ref); u != nil {
			id = u.ID
		}
	case "agency":
		if a := findAgencyRef(c.acct, ref); a != nil {
			id = a.ID
		}
	}
	by, byOK := actor(c.acct, ctl, byRef)
	c.acct.Mu.Unlock()
	op := "delete" + strings.ToUpper(kind[:1]) + kind[1:]
	switch {
	case id == "":
		q.fail(http.StatusNotFound, "no %s has the name or ID %q", kind, ref)
	case !byOK:
		q.fail(http.StatusBadRequest, "by=%q names no user: name the user who deletes, or leave by out", byRef)
	case !del(id, by):
		q.fail(http.StatusForbidden, "IAM refused: the deleting user (by) is no admin. CTS recorded the failed %s "+
			"(code 403, rating warning); name an admin with ?by=<user>", op)
	default:
		q.reply(http.StatusOK, c.deletedEntry(id))
	}
}

// ctlJoinGroup answers PUT /groups/{group}/users/{user}.
func (c *Cloud) ctlJoinGroup(_ *control, q *controlReq) {
	c.changeMembership(q, func(groups []string, g string) []string {
		if slices.Contains(groups, g) {
			return groups
		}
		return append(groups, g)
	})
}

// ctlLeaveGroup answers DELETE /groups/{group}/users/{user}; a user whose
// last admin rights go loses them at once, also for tokens it already holds.
func (c *Cloud) ctlLeaveGroup(_ *control, q *controlReq) {
	c.changeMembership(q, func(groups []string, g string) []string {
		return slices.DeleteFunc(groups, func(x string) bool { return x == g })
	})
}

// changeMembership applies change to the user's groups and answers the user.
func (c *Cloud) changeMembership(q *controlReq, change func(groups []string, group string) []string) {
	group, ref := q.r.PathValue("group"), q.r.PathValue("user")
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	if _, ok := c.acct.Groups[group]; !ok {
		names := make([]string, 0, len(c.acct.Groups))
		for g := range c.acct.Groups {
			names = append(names, g)
		}
		slices.Sort(names)
		q.fail(http.StatusNotFound, "no group is named %q; the groups are %s", group, strings.Join(names, ", "))
		return
	}
	u := findUserRef(c.acct, ref)
	if u == nil {
		q.fail(http.StatusNotFound, "no user has the name or ID %q", ref)
		return
	}
	u.Groups = change(slices.Clone(u.Groups), group)
	q.reply(http.StatusOK, worldUser(u.User))
}

// ctlAddAgency answers POST /agencies with a scenario agency.
func (c *Cloud) ctlAddAgency(_ *control, q *controlReq) {
	ctlAdd(c, q, "agency", func(d *decoder, root *yamlNode) Agency { return d.agency(root, "") }, func(d *decoder, a *Agency) {
		d.checkAgency("", a)
		checkNewAgency(c.acct, d, "", *a, "")
	}, func(a Agency) any {
		c.acct.AddAgency(a, c.now())
		return WorldAgency{ID: a.ID, Name: a.Name, TrustDomainName: a.TrustDomainName, Admin: a.Admin}
	})
}

// ctlDeleteAgency answers DELETE /agencies/{agency}: the agency goes and CTS
// records a deleteAgency trace.
func (c *Cloud) ctlDeleteAgency(ctl *control, q *controlReq) {
	c.ctlDelete(ctl, q, "agency", c.DeleteAgency)
}

// ctlAddCluster answers POST /clusters with a scenario cluster.
func (c *Cloud) ctlAddCluster(_ *control, q *controlReq) {
	ctlAdd(c, q, "cluster", func(d *decoder, root *yamlNode) Cluster { return d.cluster(root, "") }, func(d *decoder, cl *Cluster) {
		d.checkCluster("", cl)
		checkNewCluster(c.acct, d, "", *cl, "")
	}, func(cl Cluster) any {
		c.acct.PutCluster(cl, c.now())
		return worldCluster(c.acct.Clusters[cl.ID].Cluster) // placed: with its region and project
	})
}

// ctlPatchCluster answers PATCH /clusters/{cluster}: the fields in the body
// (phase, versions, endpoints) replace the cluster's; "" clears one.
func (c *Cloud) ctlPatchCluster(_ *control, q *controlReq) {
	if !q.readBody() {
		return
	}
	ref := q.r.PathValue("cluster")
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	cur := findClusterRef(c.acct, ref)
	if cur == nil {
		q.fail(http.StatusNotFound, "no cluster has the name or ID %q", ref)
		return
	}
	cl := cur.Cluster
	d, ok := q.decodeBody("cluster change", func(d *decoder, root *yamlNode) {
		fields := slices.DeleteFunc(d.clusterFields(&cl), func(f field) bool { return f.name == "name" || f.name == "id" })
		d.object(root, "", "a cluster change", fields)
	})
	if !ok {
		return
	}
	d.checkCluster("", &cl)
	if !q.problems(d, "cluster change") {
		return
	}
	c.acct.PutCluster(cl, c.now())
	q.reply(http.StatusOK, worldCluster(c.acct.Clusters[cl.ID].Cluster))
}

// ctlDeleteCluster answers DELETE /clusters/{cluster}.
func (c *Cloud) ctlDeleteCluster(_ *control, q *controlReq) {
	c.acct.Mu.Lock()
	cl := findClusterRef(c.acct, q.r.PathValue("cluster"))
	c.acct.Mu.Unlock()
	if cl == nil {
		q.fail(http.StatusNotFound, "no cluster has the name or ID %q", q.r.PathValue("cluster"))
		return
	}
	c.DeleteCluster(cl.ID)
	q.reply(http.StatusOK, map[string]string{"deleted": cl.ID})
}

// deletedEntry returns the newest successful delete trace of an identity.
func (c *Cloud) deletedEntry(id string) WorldDeleted {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	for _, t := range slices.Backward(c.acct.Traces) {
		if t.ResourceID == id && t.IsDeletion() {
			return WorldDeleted{Type: t.ResourceType, ID: id, Name: t.ResourceName, DeletedAt: t.Time.UTC(), By: t.UserName}
		}
	}
	return WorldDeleted{ID: id}
}

// worldUser renders a user without secrets.
func worldUser(u User) WorldUser {
	return WorldUser{ID: u.ID, Name: u.Name, Enabled: u.Enabled, Groups: append([]string{}, u.Groups...), AccessKey: u.AccessKey}
}

// findUserRef finds a user by ID, else by name.
func findUserRef(s *world.Account, ref string) *world.UserRec {
	if u, ok := s.Users[ref]; ok {
		return u
	}
	return s.UserByName(ref)
}

// findAgencyRef finds an agency by ID, else by name.
func findAgencyRef(s *world.Account, ref string) *world.AgencyRec {
	if a, ok := s.Agencies[ref]; ok {
		return a
	}
	return s.AgencyByName(ref)
}

// findClusterRef finds a cluster by ID, else by name.
func findClusterRef(s *world.Account, ref string) *world.ClusterRec {
	if cl, ok := s.Clusters[ref]; ok {
		return cl
	}
	return s.ClusterByName(ref)
}

// actor resolves ?by= to a user ID; empty means the control API's actor.
func actor(s *world.Account, ctl *control, by string) (string, bool) {
	if by == "" {
		return ctl.actorID, true
	}
	if u := findUserRef(s, by); u != nil {
		return u.ID, true
	}
	return "", false
}
