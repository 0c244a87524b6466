package mockcloud

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// cceTimeLayout is Go's default time format, which CCE uses in its objects.
const cceTimeLayout = "2006-01-02 15:04:05.999999 -0700 MST"

// checkCCEProject rejects a project ID that is not one of the account's
// projects in the region of the host the request reached (UNCONFIRMED: 404
// CCE.01404001, for another region's project as for an unknown one).
func checkCCEProject(rc *reqCtx) bool {
	rc.cloud.st.mu.Lock()
	ok := rc.cloud.st.projectIn(rc.r.PathValue("project_id"), rc.region)
	rc.cloud.st.mu.Unlock()
	if !ok {
		writeCCE(rc, http.StatusNotFound, CodeNotFound, "project "+rc.r.PathValue("project_id")+" not found")
		return false
	}
	return true
}

// clusterJSON renders a cluster per cce-api.md section 1 and the flavour.
func (c *Cloud) clusterJSON(cl *clusterRec) map[string]any {
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
	if c.opts.flavour == FlavourOTC {
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
			"creationTimestamp": cl.created.UTC().Format(cceTimeLayout),
			"updateTimestamp":   cl.updated.UTC().Format(cceTimeLayout),
		},
		"spec":   spec,
		"status": status,
	}
}

// handleListClusters answers GET .../clusters[?status=].
func (c *Cloud) handleListClusters(rc *reqCtx) {
	if !checkCCEProject(rc) {
		return
	}
	phase := rc.r.URL.Query().Get("status")
	c.st.mu.Lock()
	list := make([]*clusterRec, 0, len(c.st.clusters))
	for _, cl := range c.st.clusters {
		if cl.ProjectID == rc.r.PathValue("project_id") && (phase == "" || cl.Phase == phase) {
			list = append(list, cl)
		}
	}
	slices.SortFunc(list, func(a, b *clusterRec) int { return strings.Compare(a.Name, b.Name) })
	items := make([]map[string]any, 0, len(list))
	for _, cl := range list {
		items = append(items, c.clusterJSON(cl))
	}
	c.st.mu.Unlock()
	writeJSON(rc.w, http.StatusOK, map[string]any{"kind": "Cluster", "apiVersion": "v3", "items": items})
}

// lookupCluster returns a copy of the cluster in the path or writes the 404.
func (c *Cloud) lookupCluster(rc *reqCtx) (clusterRec, bool) {
	if !checkCCEProject(rc) {
		return clusterRec{}, false
	}
	id := rc.r.PathValue("cluster_id")
	c.st.mu.Lock()
	cl, ok := c.st.clusters[id]
	ok = ok && cl.ProjectID == rc.r.PathValue("project_id") // another project's cluster is not found there
	var cp clusterRec
	if ok {
		cp = *cl
	}
	c.st.mu.Unlock()
	if !ok {
		writeCCE(rc, http.StatusNotFound, CodeNotFound, "cluster "+id+" not found")
		return clusterRec{}, false
	}
	return cp, true
}

// handleGetCluster answers GET .../clusters/{cluster_id}.
func (c *Cloud) handleGetCluster(rc *reqCtx) {
	cl, ok := c.lookupCluster(rc)
	if !ok {
		return
	}
	writeJSON(rc.w, http.StatusOK, c.clusterJSON(&cl))
}

// handleUpgradeInfo answers GET .../clusters/{cluster_id}/upgradeinfo per section 3.
func (c *Cloud) handleUpgradeInfo(rc *reqCtx) {
	cl, ok := c.lookupCluster(rc)
	if !ok {
		return
	}
	release, patch, found := upgradeRelease(cl.Cluster)
	if !found {
		writeCCE(rc, http.StatusNotFound, CodeNotFound, "upgrade info of cluster "+cl.ID+" not found")
		return
	}
	ts := cl.updated.UTC().Format(cceTimeLayout)
	writeJSON(rc.w, http.StatusOK, map[string]any{
		"kind": "UpgradeInfo", "apiVersion": "v3",
		"metadata": map[string]any{"uid": cl.ID, "name": cl.Name, "labels": map[string]string{},
			"annotations": map[string]string{}, "creationTimestamp": cl.created.UTC().Format(cceTimeLayout), "updateTimestamp": ts},
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
func (c *Cloud) handleRevoke(rc *reqCtx) {
	var req revokeRequest
	dec := json.NewDecoder(bytes.NewReader(rc.body))
	if err := dec.Decode(&req); err != nil {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, "request body is not valid JSON")
		return
	}
	if (req.UserID == "") == (req.AgencyID == "") {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, "exactly one of userId and agencyId must be set")
		return
	}
	if !checkCCEProject(rc) {
		return
	}
	id := rc.r.PathValue("cluster_id")
	now := c.now()
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	cl, ok := c.st.clusters[id]
	if !ok || cl.ProjectID != rc.r.PathValue("project_id") {
		writeCCE(rc, http.StatusNotFound, CodeNotFound, "cluster "+id+" not found")
		return
	}
	if c.st.isReadOnly(rc.caller.userID) {
		writeReadOnly(rc, "revoke credentials")
		return
	}
	self := req.UserID == rc.caller.userID ||
		rc.caller.session != nil && rc.caller.session.kind == sessionAgency && req.AgencyID == rc.caller.userID
	if !c.st.isAdmin(rc.caller.userID) && !self {
		writeCCE(rc, http.StatusForbidden, CodeForbidden,
			"only the account or members of group admin may revoke credentials of other users or agencies")
		return
	}
	if cl.Phase != PhaseAvailable {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest,
			"cluster "+id+" is in phase "+cl.Phase+"; credentials can only be revoked while it is Available")
		return
	}
	if cl.Locked {
		writeCCE(rc, http.StatusBadRequest, CodeInvalidRequest, "cluster "+id+" is locked ("+cl.LockScene+"); it cannot be changed")
		return
	}
	v, found := resolveVersion(cl.Cluster)
	if (!found && !everyPatchRevokes(cl.Cluster)) || (found && !supportsRevocation(v)) {
		shown := v.String()
		if !found {
			shown = "unknown"
		}
		writeCCE(rc, http.StatusBadRequest, CodeVersionNotSupport,
			"version not supported: cluster version "+shown+" does not support credential revocation")
		return
	}
	c.st.revocations = append(c.st.revocations, Revocation{ClusterID: id, UserID: req.UserID,
		AgencyID: req.AgencyID, RevokedBy: rc.caller.userID, At: now})
	rc.w.WriteHeader(http.StatusOK)
}

// writeReadOnly is CCE's refusal of a change by a read-only principal: the
// documented 403 CCE.01403001 (§7); the detail's wording is UNCONFIRMED.
func writeReadOnly(rc *reqCtx, what string) {
	writeCCE(rc, http.StatusForbidden, CodeForbidden,
		"the caller's policies allow only read operations (cce:*:get, cce:*:list) and may not "+what)
}
