package mockcloud

import (
	"fmt"
	"slices"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// LoadScenario adds what s declares to the cloud. It first checks that
// nothing clashes with what the cloud holds (names, IDs, access keys) and
// that caller and every deletion's by name an existing user; when anything
// is wrong it adds nothing and returns a *ScenarioError. It returns the user
// that env.sh signs in as: s's caller, or else the first enabled member of
// group admin with an access key (the scenario's users first, in order).
func (c *Cloud) LoadScenario(s *Scenario) (User, error) {
	d := &decoder{file: s.file, pos: s.pos}
	now := c.now()
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	st := c.acct
	for i, u := range s.users {
		checkNewUser(st, d, fmt.Sprintf("users[%d]", i), u, s.base)
	}
	for i, a := range s.agencies {
		checkNewAgency(st, d, fmt.Sprintf("agencies[%d]", i), a, s.base)
	}
	for i, cl := range s.clusters {
		checkNewCluster(st, d, fmt.Sprintf("clusters[%d]", i), cl, s.base)
	}
	for i, di := range s.deleted {
		checkFreeID(st, d, fmt.Sprintf("deleted[%d].id", i), di.id)
	}
	caller, found := s.pickCaller(st)
	if !found {
		d.fail("caller", "%s", s.callerProblem(st))
	}
	actors := make([]string, len(s.deleted))
	for i, di := range s.deleted {
		actors[i] = caller.ID
		if di.by == "" {
			continue
		}
		if u := s.findUser(st, di.by); u != nil {
			actors[i] = u.ID
		} else {
			d.fail(fmt.Sprintf("deleted[%d].by", i), "no user is named %q: name the user who deleted it, or leave by out for the caller", di.by)
		}
	}
	if err := d.err(); err != nil {
		return User{}, err
	}

	for _, g := range s.groups {
		if _, ok := st.Groups[g]; !ok {
			st.Groups[g] = derivedID("group", g)
		}
	}
	for _, u := range s.users {
		st.AddUser(u, now)
	}
	for _, a := range s.agencies {
		st.AddAgency(a, now)
	}
	for _, cl := range s.clusters {
		st.PutCluster(cl, now)
	}
	for i, di := range s.deleted {
		ago, _ := parseAgo(di.ago) // Checked by ParseScenario.
		st.AddTrace(deleteTrace(di.kind, di.id, di.name, now.Add(-ago), actors[i], st.NameOf(actors[i])))
	}
	return caller, nil
}

// deleteTrace is the CTS trace IAM records when it deletes a user or an agency.
func deleteTrace(kind, id, name string, at time.Time, byID, byName string) Trace {
	op := "deleteUser"
	if kind == "agency" {
		op = "deleteAgency"
	}
	return Trace{Name: op, ResourceType: kind, ResourceID: id, ResourceName: name, Time: at, UserID: byID, UserName: byName}
}

// checkNewUser reports what of u clashes with the users the cloud holds;
// base, when not "", names what the cloud started from.
func checkNewUser(s *world.Account, d *decoder, path string, u User, base string) {
	if s.UserByName(u.Name) != nil {
		d.fail(join(path, "name"), "a user named %q already exists%s; choose another name", u.Name, baseNote(base))
	}
	checkFreeID(s, d, join(path, "id"), u.ID)
	if u.AccessKey != "" && s.UserByAccessKey(u.AccessKey) != nil {
		d.fail(join(path, "accessKey"), "access key %q is already taken%s; choose another", u.AccessKey, baseNote(base))
	}
}

// checkNewAgency reports what of a clashes with the cloud's agencies.
func checkNewAgency(s *world.Account, d *decoder, path string, a Agency, base string) {
	if s.AgencyByName(a.Name) != nil {
		d.fail(join(path, "name"), "an agency named %q already exists%s; choose another name", a.Name, baseNote(base))
	}
	checkFreeID(s, d, join(path, "id"), a.ID)
}

// checkNewCluster reports what of cl clashes with the cloud's clusters.
func checkNewCluster(s *world.Account, d *decoder, path string, cl Cluster, base string) {
	if s.ClusterByName(cl.Name) != nil {
		d.fail(join(path, "name"), "a cluster named %q already exists%s; choose another name", cl.Name, baseNote(base))
	}
	if _, ok := s.Clusters[cl.ID]; ok {
		d.fail(join(path, "id"), "cluster ID %s is already taken%s; choose another, or leave id out", cl.ID, baseNote(base))
	}
}

// baseNote returns " (base: demo)" for messages, or "".
func baseNote(base string) string {
	if base == "" {
		return ""
	}
	return " (base: " + base + ")"
}

// checkFreeID reports an IAM ID that a user or agency already holds.
func checkFreeID(s *world.Account, d *decoder, path, id string) {
	_, user := s.Users[id]
	_, agency := s.Agencies[id]
	if user || agency {
		d.fail(path, "ID %s is already taken; choose another, or leave id out", id)
	}
}

// findUser finds a user by name in the scenario, then in the cloud.
func (s *Scenario) findUser(st *world.Account, name string) *User {
	if i := slices.IndexFunc(s.users, func(u User) bool { return u.Name == name }); i >= 0 {
		return &s.users[i]
	}
	if u := st.UserByName(name); u != nil {
		return &u.User
	}
	return nil
}

// canSignIn reports whether env.sh could sign in as u.
func canSignIn(u *User) bool { return u != nil && u.Enabled && u.AccessKey != "" && u.SecretKey != "" }

// pickCaller resolves the caller (see LoadScenario).
func (s *Scenario) pickCaller(st *world.Account) (User, bool) {
	if s.caller != "" {
		u := s.findUser(st, s.caller)
		if !canSignIn(u) {
			return User{}, false
		}
		return *u, true
	}
	candidates := slices.Clone(s.users)
	for _, u := range st.SortedUsers() {
		candidates = append(candidates, u.User)
	}
	for _, u := range candidates {
		if canSignIn(&u) && slices.Contains(u.Groups, AdminGroupName) {
			return u, true
		}
	}
	return User{}, false
}

// callerProblem explains why pickCaller found no caller.
func (s *Scenario) callerProblem(st *world.Account) string {
	if s.caller == "" {
		return "no enabled member of group admin has an accessKey and a secretKey, so env.sh cannot sign in: " +
			"give an admin user both, or name a user with keys in caller"
	}
	u := s.findUser(st, s.caller)
	switch {
	case u == nil:
		return fmt.Sprintf("no user is named %q: name the user env.sh signs in as", s.caller)
	case !u.Enabled:
		return fmt.Sprintf("user %q is disabled, so env.sh cannot sign in as it: set enabled: true or name another user", s.caller)
	default:
		return fmt.Sprintf("user %q has no accessKey and secretKey, so env.sh cannot sign in as it: give it both", s.caller)
	}
}
