package mockcloud

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/cce"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// This file is what tests do to the account directly, without a request:
// each method takes the account's lock and asks the world (or the kube
// servers) to do it.

// PutCluster adds or replaces a cluster.
func (c *Cloud) PutCluster(cl Cluster) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	c.acct.PutCluster(cl, c.now())
}

// DeleteCluster removes a cluster and stops its kube API server; unknown IDs
// are ignored. A cluster created again under the same ID gets a new CA.
func (c *Cloud) DeleteCluster(id string) {
	c.acct.Mu.Lock()
	delete(c.acct.Clusters, id)
	c.acct.Mu.Unlock()
	c.kube.Stop(id)
}

// SetClusterPhase changes the status.phase of a cluster; unknown IDs are ignored.
func (c *Cloud) SetClusterPhase(id, phase string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	if cl, ok := c.acct.Clusters[id]; ok {
		cl.Phase = phase
		cl.Updated = c.now()
	}
}

// Cluster returns a copy of a cluster.
func (c *Cloud) Cluster(id string) (Cluster, bool) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	cl, ok := c.acct.Clusters[id]
	if !ok {
		return Cluster{}, false
	}
	return cl.Cluster, true
}

// AddUser adds or replaces an IAM user.
func (c *Cloud) AddUser(u User) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	c.acct.AddUser(u, c.now())
}

// DeleteUser removes a user (its tokens and temporary keys die with it) as
// byUserID, and records the CTS deleteUser trace of the attempt. Like IAM, it
// fails for a caller who is no admin (code 403) and for an unknown user (404):
// nothing is deleted and the trace is rated "warning". It reports whether the
// user was deleted.
func (c *Cloud) DeleteUser(id, byUserID string) bool { return c.acct.DeleteUser(id, byUserID) }

// AddAgency adds or replaces an agency.
func (c *Cloud) AddAgency(a Agency) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	c.acct.AddAgency(a, c.now())
}

// DeleteAgency is DeleteUser for an agency: its sessions end with it.
func (c *Cloud) DeleteAgency(id, byUserID string) bool { return c.acct.DeleteAgency(id, byUserID) }

// AddTrace stores a raw trace (for example one older than the 7-day window).
func (c *Cloud) AddTrace(t Trace) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	c.acct.AddTrace(t)
}

// Revocations returns a copy of every accepted revocation, oldest first.
func (c *Cloud) Revocations() []Revocation {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	return slices.Clone(c.acct.Revocations)
}

// IssueToken returns a valid 24-hour, project-scoped IAM token for the user.
func (c *Cloud) IssueToken(userID string) string {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	return c.acct.IssueToken(userID, []string{"password"}, true, true)
}

// IssueDomainScopedToken returns a valid 24-hour IAM token for the user,
// scoped to the account (domain): IAM and STS take it, CCE and CTS refuse it.
func (c *Cloud) IssueDomainScopedToken(userID string) string {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	return c.acct.IssueToken(userID, []string{"password"}, false, true)
}

// IssueTemporaryCredential returns a temporary AK/SK pair and its security
// token, valid for 24 hours; requests must carry X-Security-Token.
func (c *Cloud) IssueTemporaryCredential(userID string) (ak, sk, securityToken string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	return c.acct.IssueTempKeys(userID, nil, 24*time.Hour)
}

// AssumeAgency returns the temporary keys of a new session of the agency, as
// STS AssumeAgency would: its requests act as the agency, which may do what
// members of group admin may when Agency.Admin is set. The CN of the
// certificates it downloads is the agency ID.
func (c *Cloud) AssumeAgency(agencyID, sessionName string) (ak, sk, securityToken string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	s := &world.Session{Kind: world.SessionAgency, ID: agencyID, Name: sessionName}
	return c.acct.IssueTempKeys(agencyID, s, world.SessionLifetime)
}

// FederatedSession returns the temporary keys of a federated user who signed
// in through the identity provider idpID. It may not read IAM or CTS and may
// revoke only its own credential (the CN of its certificates is its
// principal ID, "<idpID>:<sessionName>").
func (c *Cloud) FederatedSession(idpID, sessionName string) (ak, sk, securityToken string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	s := &world.Session{Kind: world.SessionFederated, ID: idpID, Name: sessionName}
	return c.acct.IssueTempKeys(s.PrincipalID(), s, world.SessionLifetime)
}

// IssuedSecrets returns every secret the cloud handed out at run time: IAM
// tokens, temporary secret keys and security tokens, and the PEM private keys
// of issued client certificates. Tests scan logs and error messages for them.
func (c *Cloud) IssuedSecrets() []string {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	var out []string
	for id := range c.acct.Tokens {
		out = append(out, id)
	}
	for _, tc := range c.acct.TempCreds {
		out = append(out, tc.Secret, tc.SecurityToken)
	}
	for _, k := range c.acct.IssuedKeys {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// RevokeTokens invalidates every token of the user (401 on next use).
func (c *Cloud) RevokeTokens(userID string) {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	for _, t := range c.acct.Tokens {
		if t.UserID == userID {
			t.Revoked = true
		}
	}
}

// SignInStatus says how the password sign-in of a user stands: failed
// sign-ins in the current run, whether the user is locked now, and how many
// sign-ins the lock refused.
func (c *Cloud) SignInStatus(userID string) (failures int, locked bool, refusedWhileLocked int) {
	return c.acct.SignInStatus(userID)
}

// Issuances returns a copy of every issued client certificate, oldest first.
func (c *Cloud) Issuances() []Issuance {
	c.acct.Mu.Lock()
	defer c.acct.Mu.Unlock()
	out := make([]Issuance, 0, len(c.acct.Issuances))
	for _, is := range c.acct.Issuances {
		out = append(out, is.Issuance)
	}
	return out
}

// IssueAgencyCredential returns a clustercert kubeconfig (JSON) whose
// certificate has CN = agencyID, valid for days (1..1827, or -1 for the
// maximum), and records the Issuance. It exists because the provider never
// signs in as an agency. The cluster must be Available and the agency known.
func (c *Cloud) IssueAgencyCredential(clusterID, agencyID string, days int) ([]byte, error) {
	c.acct.Mu.Lock()
	_, known := c.acct.Agencies[agencyID]
	c.acct.Mu.Unlock()
	if !known {
		return nil, fmt.Errorf("mockcloud: agency %q not found", agencyID)
	}
	now := c.now()
	notAfter, msg := cce.CertNotAfter(cce.CertRequest{Duration: &days}, now)
	if msg != "" {
		return nil, errors.New("mockcloud: " + msg)
	}
	kubeconfig, err := c.kube.Issue(clusterID, agencyID, true, nil, now, notAfter)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: cluster %q: %w", clusterID, err)
	}
	return kubeconfig, nil
}

// KubeAPIURL returns the URL of the cluster's kube API server
// ("https://127.0.0.1:PORT"), starting it if needed; "" for an unknown
// cluster or after Close.
func (c *Cloud) KubeAPIURL(clusterID string) string { return c.kube.URL(clusterID) }

// SetFaults replaces the fault rules at run time, restarting their Times
// counts and the random source from seed. It panics on an invalid rule, like
// a bad regular expression in regexp.MustCompile.
func (c *Cloud) SetFaults(seed int64, faults ...Fault) {
	if err := c.gw.SetFaults(seed, faults...); err != nil {
		panic("mockcloud: SetFaults: " + err.Error())
	}
}

// ClearFaults removes every fault rule.
func (c *Cloud) ClearFaults() { _ = c.gw.SetFaults(0) } // No rule: nothing to refuse.

// QuotaStats returns the quota's settings and counts (zero without a quota).
func (c *Cloud) QuotaStats() QuotaStats { return c.gw.QuotaStats() }

// Requests returns a copy of the request log in arrival order.
func (c *Cloud) Requests() []Request { return c.gw.Requests() }

// ResetRequests empties the request log.
func (c *Cloud) ResetRequests() { c.gw.ResetRequests() }

// Count returns the number of recorded requests with that Route label.
func (c *Cloud) Count(route string) int { return c.gw.Count(route) }

// Writes returns every recorded request whose method is not GET or HEAD,
// except POST /v3/auth/tokens.
func (c *Cloud) Writes() []Request {
	var out []Request
	for _, r := range c.Requests() {
		signIn := r.Method == http.MethodPost && r.Path == "/v3/auth/tokens"
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !signIn {
			out = append(out, r)
		}
	}
	return out
}
