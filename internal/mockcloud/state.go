package mockcloud

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"time"
)

// Cluster is a CCE cluster as seen by tests. Empty version fields are omitted
// from the API's JSON.
type Cluster struct {
	ID, Name, Phase, Version, PlatformVersion, LegacyVersion string
	// UpgradeRelease and UpgradePatch are what upgradeinfo answers (e.g.
	// "v1.27.1", "r10"); when empty they are derived from the resolved
	// version, and upgradeinfo answers 404 when that fails too.
	UpgradeRelease, UpgradePatch       string
	InternalEndpoint, ExternalEndpoint string
	// Locked sets status.isLocked (a cluster frozen, e.g. for an unpaid bill),
	// with LockScene as status.lockScene; CCE then refuses revocations.
	Locked    bool
	LockScene string
	// Region and ProjectID place the cluster: empty Region means the
	// project's region, else Region; empty ProjectID means the region's main
	// project (the one named after it).
	Region, ProjectID string
}

// User is an IAM user. Groups holds group names; unknown names create the group.
type User struct {
	ID, Name, Description          string
	Enabled                        bool
	Groups                         []string
	AccessKey, SecretKey, Password string
}

// Agency is an IAM agency (a role another account can assume). Admin stands
// for its identity policies: sessions of an agency with Admin set may do
// what members of group admin may.
type Agency struct {
	ID, Name, Description, TrustDomainID, TrustDomainName string
	Admin                                                 bool
}

// Trace is a CTS management trace. ServiceType defaults to "IAM", TraceType
// to "ApiCall", Code (the HTTP status of the traced call) to "200" and
// Rating to "normal" ("warning" for a failed call); an empty ID gets a
// random UUID.
type Trace struct {
	ID, Name, ResourceType, ResourceID, ResourceName string
	Time                                             time.Time
	UserID, UserName                                 string
	ServiceType, TraceType                           string
	Code, Rating                                     string
}

// Revocation records one accepted clustercertrevoke call.
type Revocation struct {
	ClusterID, UserID, AgencyID, RevokedBy string
	At                                     time.Time
}

// userRec is a stored user.
type userRec struct {
	User
	created time.Time
}

// agencyRec is a stored agency.
type agencyRec struct {
	Agency
	created time.Time
}

// clusterRec is a stored cluster. Its CA and kube API server live in the
// Cloud's kubeRegistry, keyed by cluster ID, so PutCluster keeps them.
type clusterRec struct {
	Cluster
	created, updated time.Time
}

// traceRec is a stored trace.
type traceRec struct {
	Trace
	recorded  time.Time
	requestID string
}

// token is an IAM token issued by the mock.
type token struct {
	userID           string
	issued, expires  time.Time
	methods          []string
	projectScoped    bool
	revoked          bool
	requestedCatalog bool
}

// tempCred is a temporary AK/SK pair with its security token. userID is the
// IAM user, or the subject of session.
type tempCred struct {
	userID, secret, securityToken string
	created, expires              time.Time
	session                       *session // nil: keys of an IAM user
}

// state is everything the fake cloud knows; guarded by mu.
type state struct {
	mu          sync.Mutex
	users       map[string]*userRec   // by ID
	groups      map[string]string     // name -> ID
	agencies    map[string]*agencyRec // by ID
	clusters    map[string]*clusterRec
	projects    map[string]project // by ID
	traces      []*traceRec
	tokens      map[string]*token
	tempCreds   map[string]*tempCred // by access key
	revocations []Revocation
	issuances   []issuanceRec
	issuedKeys  [][]byte // private keys of issued client certificates, for IssuedSecrets

	signIns map[string]*signIns // password sign-ins by user ID (lockout.go)
}

// newState returns an empty state.
func newState() *state {
	return &state{
		users:     map[string]*userRec{},
		groups:    map[string]string{},
		agencies:  map[string]*agencyRec{},
		clusters:  map[string]*clusterRec{},
		projects:  map[string]project{},
		tokens:    map[string]*token{},
		tempCreds: map[string]*tempCred{},
	}
}

// randomHex returns n random bytes hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}

// randomUUID returns a random version-4 UUID string.
func randomUUID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// addUser stores u; the caller holds mu (or owns s exclusively).
func (s *state) addUser(u User, now time.Time) {
	u.Groups = slices.Clone(u.Groups)
	for _, g := range u.Groups {
		if _, ok := s.groups[g]; !ok {
			s.groups[g] = randomHex(16)
		}
	}
	created := now
	if old, ok := s.users[u.ID]; ok {
		created = old.created
	}
	s.users[u.ID] = &userRec{User: u, created: created}
}

// addAgency stores a.
func (s *state) addAgency(a Agency, now time.Time) {
	s.agencies[a.ID] = &agencyRec{Agency: a, created: now}
}

// addTrace stores t.
func (s *state) addTrace(t Trace) {
	if t.ID == "" {
		t.ID = randomUUID()
	}
	if t.ServiceType == "" {
		t.ServiceType = "IAM"
	}
	if t.TraceType == "" {
		t.TraceType = "ApiCall"
	}
	if t.Code == "" {
		t.Code = "200"
	}
	if t.Rating == "" {
		t.Rating = "normal"
	}
	s.traces = append(s.traces, &traceRec{
		Trace: t, recorded: t.Time.Add(2 * time.Second),
		requestID: randomHex(16),
	})
}

// putCluster stores cl, keeping the creation time of a replaced cluster.
func (s *state) putCluster(cl Cluster, now time.Time) {
	cl.Region, cl.ProjectID = s.place(cl.Region, cl.ProjectID)
	created := now
	if old, ok := s.clusters[cl.ID]; ok {
		created = old.created
	}
	s.clusters[cl.ID] = &clusterRec{Cluster: cl, created: created, updated: now}
}

// userByName finds a user by name.
func (s *state) userByName(name string) *userRec {
	for _, u := range s.users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// isAdmin reports whether the subject may do everything: a member of group
// "admin", the account itself (user name == domain name), or a session of an
// agency whose policies allow it (Agency.Admin).
func (s *state) isAdmin(subject string) bool {
	if u, ok := s.users[subject]; ok {
		return u.Name == DomainName || slices.Contains(u.Groups, AdminGroupName)
	}
	a, ok := s.agencies[subject]
	return ok && a.Admin
}

// canReadIAM reports whether the user may read and list IAM users, groups
// and agencies: an admin, or a member of group "iam-readonly" or
// "readonly". IAM readers get no other admin right (no CTS traces, no
// revoking others' credentials).
func (s *state) canReadIAM(userID string) bool {
	if s.isAdmin(userID) || s.isReadOnly(userID) {
		return true
	}
	u, ok := s.users[userID]
	return ok && slices.Contains(u.Groups, IAMReadOnlyGroupName)
}

// isReadOnly reports whether the user is a member of group "readonly": it
// reads what an admin reads and may change nothing.
func (s *state) isReadOnly(userID string) bool {
	u, ok := s.users[userID]
	return ok && slices.Contains(u.Groups, ReadOnlyGroupName)
}

// sortedUsers returns the users ordered by name.
func (s *state) sortedUsers() []*userRec {
	out := make([]*userRec, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *userRec) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// PutCluster adds or replaces a cluster.
func (c *Cloud) PutCluster(cl Cluster) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	c.st.putCluster(cl, c.now())
}

// DeleteCluster removes a cluster and stops its kube API server; unknown IDs
// are ignored. A cluster created again under the same ID gets a new CA.
func (c *Cloud) DeleteCluster(id string) {
	c.st.mu.Lock()
	delete(c.st.clusters, id)
	c.st.mu.Unlock()
	c.kube.stop(id)
}

// SetClusterPhase changes the status.phase of a cluster; unknown IDs are ignored.
func (c *Cloud) SetClusterPhase(id, phase string) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if cl, ok := c.st.clusters[id]; ok {
		cl.Phase = phase
		cl.updated = c.now()
	}
}

// Cluster returns a copy of a cluster.
func (c *Cloud) Cluster(id string) (Cluster, bool) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	cl, ok := c.st.clusters[id]
	if !ok {
		return Cluster{}, false
	}
	return cl.Cluster, true
}

// AddUser adds or replaces an IAM user.
func (c *Cloud) AddUser(u User) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	c.st.addUser(u, c.now())
}

// DeleteUser removes a user (its tokens and temporary keys die with it) as
// byUserID, and records the CTS deleteUser trace of the attempt. Like IAM, it
// fails for a caller who is no admin (code 403) and for an unknown user (404):
// nothing is deleted and the trace is rated "warning". It reports whether the
// user was deleted.
func (c *Cloud) DeleteUser(id, byUserID string) bool {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	t := Trace{Name: "deleteUser", ResourceType: "user", ResourceID: id, Time: c.now(),
		UserID: byUserID, UserName: c.st.nameOf(byUserID)}
	u, ok := c.st.users[id]
	if ok {
		t.ResourceName = u.Name
	}
	if !c.st.deletionAllowed(&t, ok, byUserID) {
		return false
	}
	delete(c.st.users, id)
	for ak, tc := range c.st.tempCreds {
		if tc.userID == id {
			delete(c.st.tempCreds, ak)
		}
	}
	c.st.addTrace(t)
	return true
}

// deletionAllowed decides an IAM deletion by byUserID of a resource that
// exists or not; a refused one is recorded in t's trace with its code.
func (s *state) deletionAllowed(t *Trace, exists bool, byUserID string) bool {
	switch {
	case !s.isAdmin(byUserID):
		t.Code = "403"
	case !exists:
		t.Code = "404"
	default:
		return true
	}
	t.Rating = "warning"
	s.addTrace(*t)
	return false
}

// AddAgency adds or replaces an agency.
func (c *Cloud) AddAgency(a Agency) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	c.st.addAgency(a, c.now())
}

// DeleteAgency is DeleteUser for an agency: its sessions end with it.
func (c *Cloud) DeleteAgency(id, byUserID string) bool {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	t := Trace{Name: "deleteAgency", ResourceType: "agency", ResourceID: id, Time: c.now(),
		UserID: byUserID, UserName: c.st.nameOf(byUserID)}
	a, ok := c.st.agencies[id]
	if ok {
		t.ResourceName = a.Name
	}
	if !c.st.deletionAllowed(&t, ok, byUserID) {
		return false
	}
	delete(c.st.agencies, id)
	for ak, tc := range c.st.tempCreds {
		if tc.session != nil && tc.session.kind == sessionAgency && tc.session.id == id {
			delete(c.st.tempCreds, ak)
		}
	}
	c.st.addTrace(t)
	return true
}

// AddTrace stores a raw trace (for example one older than the 7-day window).
func (c *Cloud) AddTrace(t Trace) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	c.st.addTrace(t)
}

// nameOf returns the name of a user, or "" when unknown.
func (s *state) nameOf(userID string) string {
	if u, ok := s.users[userID]; ok {
		return u.Name
	}
	return ""
}

// Revocations returns a copy of every accepted revocation, oldest first.
func (c *Cloud) Revocations() []Revocation {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	return slices.Clone(c.st.revocations)
}

// IssueToken returns a valid 24-hour, project-scoped IAM token for the user.
func (c *Cloud) IssueToken(userID string) string {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	return c.st.issueToken(userID, c.now(), []string{"password"}, true, true)
}

// IssueDomainScopedToken returns a valid 24-hour IAM token for the user,
// scoped to the account (domain): IAM and STS take it, CCE and CTS refuse it.
func (c *Cloud) IssueDomainScopedToken(userID string) string {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	return c.st.issueToken(userID, c.now(), []string{"password"}, false, true)
}

// issueToken stores and returns a new token.
func (s *state) issueToken(userID string, now time.Time, methods []string, projectScoped, catalog bool) string {
	id := "MIIDmock" + randomHex(48)
	s.tokens[id] = &token{userID: userID, issued: now, expires: now.Add(24 * time.Hour),
		methods: methods, projectScoped: projectScoped, requestedCatalog: catalog}
	return id
}

// IssueTemporaryCredential returns a temporary AK/SK pair and its security
// token, valid for 24 hours; requests must carry X-Security-Token.
func (c *Cloud) IssueTemporaryCredential(userID string) (ak, sk, securityToken string) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	ak, sk, securityToken = newTempKeys()
	now := c.now()
	c.st.tempCreds[ak] = &tempCred{userID: userID, secret: sk, securityToken: securityToken,
		created: now, expires: now.Add(24 * time.Hour)}
	return ak, sk, securityToken
}

// IssuedSecrets returns every secret the cloud handed out at run time: IAM
// tokens, temporary secret keys and security tokens, and the PEM private keys
// of issued client certificates. Tests scan logs and error messages for them.
func (c *Cloud) IssuedSecrets() []string {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	var out []string
	for id := range c.st.tokens {
		out = append(out, id)
	}
	for _, tc := range c.st.tempCreds {
		out = append(out, tc.secret, tc.securityToken)
	}
	for _, k := range c.st.issuedKeys {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// RevokeTokens invalidates every token of the user (401 on next use).
func (c *Cloud) RevokeTokens(userID string) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	for _, t := range c.st.tokens {
		if t.userID == userID {
			t.revoked = true
		}
	}
}

// place fills the region and project of a cluster: a project gives its
// region, a region its main project, nothing the first region.
func (s *state) place(region, projectID string) (string, string) {
	if p, ok := s.projects[projectID]; ok && projectID != "" {
		return p.Region, projectID
	}
	if projectID != "" {
		return region, projectID // an unknown project: reachable by no host
	}
	if region == "" {
		region = Region
	}
	return region, mainProject(region)
}

// mainProject returns the ID of the project named after region ("" if none).
func mainProject(region string) string {
	for _, p := range seedProjects {
		if p.Name == region {
			return p.ID
		}
	}
	return ""
}

// projectIn reports whether projectID is a project of region.
func (s *state) projectIn(projectID, region string) bool {
	p, ok := s.projects[projectID]
	return ok && p.Region == region
}
