// Package cce is the fake cloud's CCE: clusters, their upgrade information,
// clustercert (a client certificate from the cluster's CA, signed by the
// kube service) and clustercertrevoke.
package cce

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// cceTimeLayout is Go's default time format, which CCE uses in its objects.
const cceTimeLayout = "2006-01-02 15:04:05.999999 -0700 MST"

// Flavour selects cloud-specific response shapes.
type Flavour string

// Supported flavours.
const (
	// FlavourHWC is Huawei Cloud: status.endpoints is an array of {url, type}.
	FlavourHWC Flavour = "hwc"
	// FlavourOTC is Open Telekom Cloud: status.endpoints is one object.
	FlavourOTC Flavour = "otc"
)

// Issuer signs a client certificate for applicantID with the cluster's CA,
// valid from now to notAfter, records the issuance and returns the
// kubeconfig JSON; world.ErrClusterNotFound and world.ErrClusterNotAvailable
// when the cluster went meanwhile. The kube service is one.
type Issuer interface {
	Issue(clusterID, applicantID string, agency bool, groups []string, now, notAfter time.Time) ([]byte, error)
}

// Service is CCE.
type Service struct {
	acct    *world.Account
	flavour Flavour
	issuer  Issuer
}

// New returns CCE over the account, answering in flavour's shapes, with the
// certificates of issuer.
func New(acct *world.Account, flavour Flavour, issuer Issuer) *Service {
	return &Service{acct: acct, flavour: flavour, issuer: issuer}
}

// Routes returns CCE's APIs.
func (s *Service) Routes() []wire.Route {
	mk := func(pattern string, h func(*wire.Call)) wire.Route {
		return wire.Route{Pattern: pattern, Service: wire.CCE, Handle: h}
	}
	return []wire.Route{
		mk(RouteListClusters, s.handleListClusters),
		mk(RouteGetCluster, s.handleGetCluster),
		mk(RouteUpgradeInfo, s.handleUpgradeInfo),
		mk(RouteClusterCert, s.handleClusterCert),
		mk(RouteRevoke, s.handleRevoke),
	}
}

// CCE's routes; each label is the http.ServeMux pattern it is served under.
const (
	RouteListClusters = "GET /api/v3/projects/{project_id}/clusters"
	RouteGetCluster   = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}"
	RouteUpgradeInfo  = "GET /api/v3/projects/{project_id}/clusters/{cluster_id}/upgradeinfo"
	RouteClusterCert  = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercert"
	RouteRevoke       = "POST /api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke"
)

// checkProject rejects a project ID that is not one of the account's
// projects in the region of the host the request reached (UNCONFIRMED: 404
// CCE.01404001, for another region's project as for an unknown one).
func (s *Service) checkProject(c *wire.Call) bool {
	s.acct.Mu.Lock()
	ok := s.acct.ProjectIn(c.R.PathValue("project_id"), c.Region)
	s.acct.Mu.Unlock()
	if !ok {
		wire.CCEError(c, http.StatusNotFound, wire.CodeNotFound, "project "+c.R.PathValue("project_id")+" not found")
		return false
	}
	return true
}

// clusterJSON renders a cluster per cce-api.md section 1 and the flavour.
func (s *Service) clusterJSON(cl *world.ClusterRec) map[string]any {
	spec := map[string]any{"category": "CCE", "type": "VirtualMachine", "flavor": "cce.s1.small"}
	if cl.Version != "" {
		spec["version"] = cl.Version
	}
	if cl.PlatformVersion != "" {
		spec["platformVersion"] = cl.PlatformVersion
	}
	if cl.LegacyVersion != "" {
		spec["legacyVersion"] = cl.LegacyVersion
	}
	var endpoints any
	if s.flavour == FlavourOTC {
		ep := map[string]string{}
		if cl.InternalEndpoint != "" {
			ep["internal"] = cl.InternalEndpoint
		}
		if cl.ExternalEndpoint != "" {
			ep["external"] = cl.ExternalEndpoint
			ep["external_otc"] = "https://" + cl.ID + ".cce." + cl.Region + ".otc.t-systems.com"
		}
		endpoints = ep
	} else {
		ep := []map[string]string{}
		if cl.InternalEndpoint != "" {
			ep = append(ep, map[string]string{"url": cl.InternalEndpoint, "type": "Internal"})
		}
		if cl.ExternalEndpoint != "" {
			ep = append(ep, map[string]string{"url": cl.ExternalEndpoint, "type": "External"})
		}
		endpoints = ep
	}
	status := map[string]any{"phase": cl.Phase, "endpoints": endpoints, "isLocked": cl.Locked}
	if cl.LockScene != "" {
		status["lockScene"] = cl.LockScene
	}
	return map[string]any{
		"kind": "Cluster", "apiVersion": "v3",
		"metadata": map[string]any{
			"name": cl.Name, "uid": cl.ID, "alias": cl.Name, "timezone": "UTC",
			"labels": map[string]string{}, "annotations": map[string]string{},
			"creationTimestamp": cl.Created.UTC().Format(cceTimeLayout),
			"updateTimestamp":   cl.Updated.UTC().Format(cceTimeLayout),
		},
		"spec":   spec,
		"status": status,
	}
}

// handleListClusters answers GET .../clusters[?status=].
func (s *Service) handleListClusters(c *wire.Call) {
	if !s.checkProject(c) {
		return
	}
	phase := c.R.URL.Query().Get("status")
	s.acct.Mu.Lock()
	list := make([]*world.ClusterRec, 0, len(s.acct.Clusters))
	for _, cl := range s.acct.Clusters {
		if cl.ProjectID == c.R.PathValue("project_id") && (phase == "" || cl.Phase == phase) {
			list = append(list, cl)
		}
	}
	slices.SortFunc(list, func(a, b *world.ClusterRec) int { return strings.Compare(a.Name, b.Name) })
	items := make([]map[string]any, 0, len(list))
	for _, cl := range list {
		items = append(items, s.clusterJSON(cl))
	}
	s.acct.Mu.Unlock()
	wire.JSON(c.W, http.StatusOK, map[string]any{"kind": "Cluster", "apiVersion": "v3", "items": items})
}

// lookupCluster returns a copy of the cluster in the path or writes the 404.
func (s *Service) lookupCluster(c *wire.Call) (world.ClusterRec, bool) {
	if !s.checkProject(c) {
		return world.ClusterRec{}, false
	}
	id := c.R.PathValue("cluster_id")
	s.acct.Mu.Lock()
	cl, ok := s.acct.Clusters[id]
	ok = ok && cl.ProjectID == c.R.PathValue("project_id") // another project's cluster is not found there
	var cp world.ClusterRec
	if ok {
		cp = *cl
	}
	s.acct.Mu.Unlock()
	if !ok {
		wire.CCEError(c, http.StatusNotFound, wire.CodeNotFound, "cluster "+id+" not found")
		return world.ClusterRec{}, false
	}
	return cp, true
}

// handleGetCluster answers GET .../clusters/{cluster_id}.
func (s *Service) handleGetCluster(c *wire.Call) {
	cl, ok := s.lookupCluster(c)
	if !ok {
		return
	}
	wire.JSON(c.W, http.StatusOK, s.clusterJSON(&cl))
}

// handleUpgradeInfo answers GET .../clusters/{cluster_id}/upgradeinfo per section 3.
func (s *Service) handleUpgradeInfo(c *wire.Call) {
	cl, ok := s.lookupCluster(c)
	if !ok {
		return
	}
	release, patch, found := world.UpgradeRelease(cl.Cluster)
	if !found {
		wire.CCEError(c, http.StatusNotFound, wire.CodeNotFound, "upgrade info of cluster "+cl.ID+" not found")
		return
	}
	ts := cl.Updated.UTC().Format(cceTimeLayout)
	wire.JSON(c.W, http.StatusOK, map[string]any{
		"kind": "UpgradeInfo", "apiVersion": "v3",
		"metadata": map[string]any{"uid": cl.ID, "name": cl.Name, "labels": map[string]string{},
			"annotations": map[string]string{}, "creationTimestamp": cl.Created.UTC().Format(cceTimeLayout), "updateTimestamp": ts},
		"spec": map[string]any{
			"lastUpgradeInfo": map[string]any{"phase": "Success", "progress": "100", "completionTime": ts},
			"versionInfo": map[string]any{"release": release, "patch": patch, "suggestPatch": patch,
				"targetVersions": []string{}},
			"upgradeFeatureGates": map[string]any{"supportUpgradePageV4": true},
		},
		"status": map[string]any{"phase": "Success", "progress": "100", "completionTime": ts},
	})
}

// revokeRequest is the body of clustercertrevoke.
type revokeRequest struct {
	UserID   string `json:"userId"`
	AgencyID string `json:"agencyId"`
}

// handleRevoke implements clustercertrevoke with the contract's rules, in order.
func (s *Service) handleRevoke(c *wire.Call) {
	var req revokeRequest
	dec := json.NewDecoder(bytes.NewReader(c.Body))
	if err := dec.Decode(&req); err != nil {
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, "request body is not valid JSON")
		return
	}
	if (req.UserID == "") == (req.AgencyID == "") {
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, "exactly one of userId and agencyId must be set")
		return
	}
	if !s.checkProject(c) {
		return
	}
	id := c.R.PathValue("cluster_id")
	now := s.acct.Now()
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	cl, ok := s.acct.Clusters[id]
	if !ok || cl.ProjectID != c.R.PathValue("project_id") {
		wire.CCEError(c, http.StatusNotFound, wire.CodeNotFound, "cluster "+id+" not found")
		return
	}
	if s.acct.IsReadOnly(c.Caller.UserID) {
		writeReadOnly(c, "revoke credentials")
		return
	}
	self := req.UserID == c.Caller.UserID || c.Caller.AsAgency() && req.AgencyID == c.Caller.UserID
	if !s.acct.IsAdmin(c.Caller.UserID) && !self {
		wire.CCEError(c, http.StatusForbidden, wire.CodeForbidden,
			"only the account or members of group admin may revoke credentials of other users or agencies")
		return
	}
	switch refusal, v, found := world.RevocationRefusal(cl.Cluster); refusal {
	case world.NotAvailable:
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest,
			"cluster "+id+" is in phase "+cl.Phase+"; credentials can only be revoked while it is Available")
		return
	case world.Locked:
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, "cluster "+id+" is locked ("+cl.LockScene+"); it cannot be changed")
		return
	case world.OldVersion:
		shown := v.String()
		if !found {
			shown = "unknown"
		}
		wire.CCEError(c, http.StatusBadRequest, wire.CodeVersionNotSupport,
			"version not supported: cluster version "+shown+" does not support credential revocation")
		return
	}
	s.acct.Revocations = append(s.acct.Revocations, world.Revocation{ClusterID: id, UserID: req.UserID,
		AgencyID: req.AgencyID, RevokedBy: c.Caller.UserID, At: now})
	c.W.WriteHeader(http.StatusOK)
}

// writeReadOnly is CCE's refusal of a change by a read-only principal: the
// documented 403 CCE.01403001 (§7); the detail's wording is UNCONFIRMED.
func writeReadOnly(c *wire.Call, what string) {
	wire.CCEError(c, http.StatusForbidden, wire.CodeForbidden,
		"the caller's policies allow only read operations (cce:*:get, cce:*:list) and may not "+what)
}
