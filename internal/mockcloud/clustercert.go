package mockcloud

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Limits of clustercert (cce-api.md section 4, HWC flavour).
const (
	// MaxCertDays is the longest validity in days; duration -1 selects it.
	MaxCertDays = 1827
	// minExpireAhead is how far ahead of now expire_at must lie at least.
	minExpireAhead = 15 * time.Minute
	// expireAtLayout is the format of expire_at, e.g. "2025-01-01 16:00:00 +0000 UTC".
	expireAtLayout = "2006-01-02 15:04:05 -0700 MST"
	// certBackdate is how far NotBefore lies before the issue time.
	certBackdate = time.Minute
)

// Issuance records one issued client certificate. Serial is the certificate's
// serial number in lowercase hex without separators.
type Issuance struct {
	ClusterID, ApplicantID, Serial string
	NotBefore, NotAfter, IssuedAt  time.Time
}

// issuanceRec is a stored issuance; agency tells which revocation field
// (userId or agencyId) applies to its applicant.
type issuanceRec struct {
	Issuance
	agency bool
}

// Issuances returns a copy of every issued client certificate, oldest first.
func (c *Cloud) Issuances() []Issuance {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	out := make([]Issuance, 0, len(c.st.issuances))
	for _, is := range c.st.issuances {
		out = append(out, is.Issuance)
	}
	return out
}

// errClusterNotFound and errClusterNotAvailable are the cluster checks shared
// by the clustercert route and IssueAgencyCredential.
var (
	errClusterNotFound     = errors.New("cluster not found")
	errClusterNotAvailable = errors.New("cluster not available")
)

// certRequest is the body of clustercert.
type certRequest struct {
	Duration *int    `json:"duration"`
	ExpireAt *string `json:"expire_at"`
}

// certNotAfter applies the duration / expire_at rules and returns NotAfter,
// or a message naming the rule that was broken.
func certNotAfter(req certRequest, now time.Time) (time.Time, string) {
	if req.ExpireAt != nil {
		at, err := time.Parse(expireAtLayout, *req.ExpireAt)
		if err != nil {
			return time.Time{}, "expire_at must have the form \"2006-01-02 15:04:05 +0000 UTC\""
		}
		if at.Before(now.Add(minExpireAhead)) || at.After(now.AddDate(5, 0, 0)) {
			return time.Time{}, "expire_at must lie between now+15m and now+5y"
		}
		return at, ""
	}
	if req.Duration == nil {
		return time.Time{}, "one of duration and expire_at must be set"
	}
	days := *req.Duration
	if days == -1 {
		days = MaxCertDays
	}
	if days < 1 || days > MaxCertDays {
		return time.Time{}, fmt.Sprintf("duration must be between 1 and %d days, or -1 for the maximum", MaxCertDays)
	}
	return now.Add(time.Duration(days) * 24 * time.Hour), ""
}

// handleClusterCert implements clustercert: checks, then a real client
// certificate for the caller in a kubeconfig. The response holds a private
// key and is never recorded.
func (c *Cloud) handleClusterCert(rc *reqCtx) {
	cl, ok := c.lookupCluster(rc)
	if !ok {
		return
	}
	var req certRequest
	dec := json.NewDecoder(bytes.NewReader(rc.body))
	if err := dec.Decode(&req); err != nil {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, "request body is not valid: "+err.Error())
		return
	}
	now := c.now()
	notAfter, msg := certNotAfter(req, now)
	if msg != "" {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, msg)
		return
	}
	if cl.Phase != PhaseAvailable {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest,
			"cluster "+cl.ID+" is in phase "+cl.Phase+"; credentials can only be issued while it is Available")
		return
	}
	c.st.mu.Lock()
	if c.st.isReadOnly(rc.caller.userID) {
		c.st.mu.Unlock()
		writeReadOnly(rc, "download credentials")
		return
	}
	var groups []string
	if u, found := c.st.users[rc.caller.userID]; found {
		for _, g := range u.Groups {
			if id, known := c.st.groups[g]; known {
				groups = append(groups, id)
			}
		}
	}
	c.st.mu.Unlock()
	asAgency := rc.caller.session != nil && rc.caller.session.kind == sessionAgency
	kubeconfig, err := c.issue(cl.ID, rc.caller.userID, asAgency, groups, now, notAfter)
	switch {
	case errors.Is(err, errClusterNotFound):
		writeCCE(rc, http.StatusNotFound, CodeNotFound, "cluster "+cl.ID+" not found")
		return
	case errors.Is(err, errClusterNotAvailable):
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, "cluster "+cl.ID+" is no longer Available")
		return
	case err != nil:
		writeCCE(rc, http.StatusInternalServerError, CodeInternal, err.Error())
		return
	}
	rc.w.Header().Set("Port-ID", randomUUID())
	rc.w.Header().Set("Content-Type", "application/json;charset=utf-8")
	rc.w.WriteHeader(http.StatusOK)
	_, _ = rc.w.Write(kubeconfig) // Buffered; cannot fail.
}

// IssueAgencyCredential returns a clustercert kubeconfig (JSON) whose
// certificate has CN = agencyID, valid for days (1..1827, or -1 for the
// maximum), and records the Issuance. It exists because the provider never
// signs in as an agency. The cluster must be Available and the agency known.
func (c *Cloud) IssueAgencyCredential(clusterID, agencyID string, days int) ([]byte, error) {
	c.st.mu.Lock()
	_, known := c.st.agencies[agencyID]
	c.st.mu.Unlock()
	if !known {
		return nil, fmt.Errorf("mockcloud: agency %q not found", agencyID)
	}
	now := c.now()
	notAfter, msg := certNotAfter(certRequest{Duration: &days}, now)
	if msg != "" {
		return nil, errors.New("mockcloud: " + msg)
	}
	kubeconfig, err := c.issue(clusterID, agencyID, true, nil, now, notAfter)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: cluster %q: %w", clusterID, err)
	}
	return kubeconfig, nil
}

// issue starts the cluster's kube API server if needed, signs a client
// certificate for applicantID with its CA, records the issuance and returns
// the kubeconfig JSON.
func (c *Cloud) issue(clusterID, applicantID string, agency bool, groups []string, now, notAfter time.Time) ([]byte, error) {
	ks, err := c.kube.ensure(c, clusterID)
	if err != nil {
		return nil, err
	}
	cc, err := ks.ca.clientCert(applicantID, groups, now.Add(-certBackdate), notAfter)
	if err != nil {
		return nil, err
	}
	c.st.mu.Lock()
	cl, ok := c.st.clusters[clusterID]
	var external bool
	switch {
	case !ok:
		err = errClusterNotFound
	case cl.Phase != PhaseAvailable:
		err = errClusterNotAvailable
	default:
		external = cl.ExternalEndpoint != ""
		c.st.issuances = append(c.st.issuances, issuanceRec{agency: agency, Issuance: Issuance{
			ClusterID: clusterID, ApplicantID: applicantID, Serial: cc.cert.SerialNumber.Text(16),
			NotBefore: cc.cert.NotBefore, NotAfter: cc.cert.NotAfter, IssuedAt: now,
		}})
		c.st.issuedKeys = append(c.st.issuedKeys, cc.keyPEM)
	}
	c.st.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return kubeconfigJSON(ks.url, ks.ca.certPEM, cc, external)
}

// Kubeconfig JSON shapes, in the field order of cce-api.md section 4.
type (
	kubeconfig struct {
		Kind           string         `json:"kind"`
		APIVersion     string         `json:"apiVersion"`
		Preferences    struct{}       `json:"preferences"`
		Clusters       []namedCluster `json:"clusters"`
		Users          []namedUser    `json:"users"`
		Contexts       []namedContext `json:"contexts"`
		CurrentContext string         `json:"current-context"`
	}
	namedCluster struct {
		Name    string      `json:"name"`
		Cluster clusterInfo `json:"cluster"`
	}
	clusterInfo struct {
		Server                   string `json:"server"`
		CertificateAuthorityData string `json:"certificate-authority-data,omitempty"`
		InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify,omitempty"`
	}
	namedUser struct {
		Name string   `json:"name"`
		User userInfo `json:"user"`
	}
	userInfo struct {
		ClientCertificateData string `json:"client-certificate-data"`
		ClientKeyData         string `json:"client-key-data"`
	}
	namedContext struct {
		Name    string      `json:"name"`
		Context contextInfo `json:"context"`
	}
	contextInfo struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	}
)

// kubeconfigJSON renders the clustercert response. In the mock the external
// cluster entry points at the same server as the internal one.
func kubeconfigJSON(server string, caPEM []byte, cc *clientCert, external bool) ([]byte, error) {
	b64 := base64.StdEncoding.EncodeToString
	kc := kubeconfig{
		Kind: "Config", APIVersion: "v1",
		Clusters:       []namedCluster{{Name: "internalCluster", Cluster: clusterInfo{Server: server, CertificateAuthorityData: b64(caPEM)}}},
		Users:          []namedUser{{Name: "user", User: userInfo{ClientCertificateData: b64(cc.certPEM), ClientKeyData: b64(cc.keyPEM)}}},
		Contexts:       []namedContext{{Name: "internal", Context: contextInfo{Cluster: "internalCluster", User: "user"}}},
		CurrentContext: "internal",
	}
	if external {
		kc.Clusters = append(kc.Clusters, namedCluster{Name: "externalCluster", Cluster: clusterInfo{Server: server, InsecureSkipTLSVerify: true}})
		kc.Contexts = append(kc.Contexts, namedContext{Name: "external", Context: contextInfo{Cluster: "externalCluster", User: "user"}})
		kc.CurrentContext = "external"
	}
	out, err := json.Marshal(kc)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: kubeconfig: %w", err)
	}
	return slices.Concat(out, []byte("\n")), nil
}
