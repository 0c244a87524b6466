package cce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Cluster is the subset of a CCE cluster the provider needs.
type Cluster struct {
	ID, Name, Phase                         string
	Version, PlatformVersion, LegacyVersion string
	// InternalEndpoint and ExternalEndpoint come from status.endpoints in
	// either the HWC array or the OTC object shape.
	InternalEndpoint, ExternalEndpoint string
	IsLocked                           bool
	LockScene                          string
}

type clusterJSON struct {
	Metadata struct {
		Name string `json:"name"`
		UID  string `json:"uid"`
	} `json:"metadata"`
	Spec struct {
		Version         string `json:"version"`
		PlatformVersion string `json:"platformVersion"`
		LegacyVersion   string `json:"legacyVersion"`
	} `json:"spec"`
	Status struct {
		Phase     string          `json:"phase"`
		Endpoints json.RawMessage `json:"endpoints"`
		IsLocked  bool            `json:"isLocked"`
		LockScene string          `json:"lockScene"`
	} `json:"status"`
}

// decodeEndpoints reads the HWC array [{url,type}] or the OTC object
// {internal, external, external_otc}.
func decodeEndpoints(raw json.RawMessage) (internal, external string, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", "", nil
	}
	switch raw[0] {
	case '[':
		var list []struct {
			URL  string `json:"url"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			return "", "", err
		}
		for _, e := range list {
			switch strings.ToLower(e.Type) {
			case "internal":
				if internal == "" {
					internal = e.URL
				}
			case "external":
				if external == "" {
					external = e.URL
				}
			}
		}
		return internal, external, nil
	case '{':
		var obj struct {
			Internal    string `json:"internal"`
			External    string `json:"external"`
			ExternalOTC string `json:"external_otc"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return "", "", err
		}
		external = obj.External
		if external == "" {
			external = obj.ExternalOTC
		}
		return obj.Internal, external, nil
	default:
		return "", "", fmt.Errorf("unexpected status.endpoints shape")
	}
}

// decodeCluster converts the wire object.
func decodeCluster(b []byte) (*Cluster, error) {
	var cj clusterJSON
	if err := json.Unmarshal(b, &cj); err != nil {
		return nil, err
	}
	in, ex, err := decodeEndpoints(cj.Status.Endpoints)
	if err != nil {
		return nil, err
	}
	return &Cluster{
		ID: cj.Metadata.UID, Name: cj.Metadata.Name, Phase: cj.Status.Phase,
		Version: cj.Spec.Version, PlatformVersion: cj.Spec.PlatformVersion, LegacyVersion: cj.Spec.LegacyVersion,
		InternalEndpoint: in, ExternalEndpoint: ex,
		IsLocked: cj.Status.IsLocked, LockScene: cj.Status.LockScene,
	}, nil
}

// Cluster reads one cluster. With Cached, failures are kept too (a cluster
// does not come back under its ID, and N revocations on it must not repeat a
// read that failed after its retries), except a caller's interrupt.
func (c *Client) Cluster(ctx context.Context, clusterID string, read Read) (*Cluster, error) {
	return copyOf(c.loc.clusters.get(ctx, clusterID, read, func(ctx context.Context) (*Cluster, error) {
		return c.getCluster(ctx, clusterID)
	}, keepFailure))
}

// Clusters lists the clusters of the project (one GET, kept like Cluster).
func (c *Client) Clusters(ctx context.Context, read Read) ([]Cluster, error) {
	list, err := c.loc.clusterList.get(ctx, "", read, c.listClusters, keepFailure)
	return slices.Clone(list), err
}

// listClusters reads every cluster of the project with one GET, in the order
// CCE returns them.
func (c *Client) listClusters(ctx context.Context) ([]Cluster, error) {
	const op = "list clusters"
	path, pid, err := c.projectPath(ctx, pathClusters)
	if err != nil {
		return nil, err
	}
	var out struct {
		Items []json.RawMessage `json:"items"`
	}
	cl := call{service: ServiceCCE, op: op, method: http.MethodGet, base: c.loc.cceURL, path: path, header: projectHeader(pid)}
	if err := c.getJSON(ctx, cl, &out); err != nil {
		return nil, err
	}
	clusters := make([]Cluster, 0, len(out.Items))
	for i, raw := range out.Items {
		item, err := decodeCluster(raw)
		if err != nil {
			return nil, opError(ServiceCCE, op, fmt.Errorf("decoding cluster %d of the list: %w", i, err))
		}
		if item.ID == "" {
			return nil, opError(ServiceCCE, op, fmt.Errorf("cluster %d of the list (name %s) has no metadata.uid", i, Quote(item.Name)))
		}
		clusters = append(clusters, *item)
	}
	return clusters, nil
}

func (c *Client) getCluster(ctx context.Context, clusterID string) (*Cluster, error) {
	const op = "get cluster"
	cc, err := c.clusterCall(ctx, op, http.MethodGet, pathCluster, clusterID, nil)
	if err != nil {
		return nil, err
	}
	b, err := c.getBody(ctx, cc)
	if err != nil {
		return nil, err
	}
	cl, err := decodeCluster(b)
	if err != nil {
		return nil, opError(ServiceCCE, op, fmt.Errorf("decoding cluster: %w", err))
	}
	if cl.ID == "" {
		cl.ID = clusterID
	}
	return cl, nil
}

// ClusterVersion resolves the full version of cl: ResolveVersion on its
// fields, else GET upgradeinfo (cached per cluster; source "upgradeinfo").
func (c *Client) ClusterVersion(ctx context.Context, cl *Cluster) (Version, string, error) {
	if cl == nil {
		return Version{}, "", fmt.Errorf("cluster version: no cluster given")
	}
	if v, src, ok := ResolveVersion(cl.Version, cl.PlatformVersion, cl.LegacyVersion); ok {
		return v, src, nil
	}
	v, err := c.loc.upgradeInfo.get(ctx, cl.ID, Cached, func(ctx context.Context) (Version, error) {
		return c.upgradeInfoVersion(ctx, cl.ID)
	}, keepFailure)
	if err != nil {
		return Version{}, "", err
	}
	return v, SourceUpgradeInfo, nil
}

// upgradeInfoVersion calls GET .../upgradeinfo.
func (c *Client) upgradeInfoVersion(ctx context.Context, clusterID string) (Version, error) {
	const op = "get upgrade info"
	cc, err := c.clusterCall(ctx, op, http.MethodGet, pathUpgradeInfo, clusterID, nil)
	if err != nil {
		return Version{}, err
	}
	var out struct {
		Spec struct {
			VersionInfo struct {
				Release string `json:"release"`
				Patch   string `json:"patch"`
			} `json:"versionInfo"`
		} `json:"spec"`
	}
	if err := c.getJSON(ctx, cc, &out); err != nil {
		return Version{}, err
	}
	v, err := versionFromUpgradeInfo(out.Spec.VersionInfo.Release, out.Spec.VersionInfo.Patch)
	if err != nil {
		return Version{}, opError(ServiceCCE, op, err)
	}
	return v, nil
}

// Phases lists the values of status.phase that CCE documents (the HWC SDK's
// enum, cce-api.md §1) and Shelved, which the HWC Terraform provider handles.
func Phases() []string {
	return []string{"Available", "Unavailable", "ScalingUp", "ScalingDown", "Creating", "Deleting", "Upgrading",
		"Resizing", "RollingBack", "RollbackFailed", "Hibernating", "Hibernation", "Awaking", "Empty", "Error", "Shelved"}
}

// PhaseClass groups cluster phases by what a caller can do.
type PhaseClass int

// Phase classes.
const (
	// PhaseReady means the cluster accepts credential operations.
	PhaseReady PhaseClass = iota
	// PhaseTransitional means waiting may help.
	PhaseTransitional
	// PhaseUnusable means waiting will not help.
	PhaseUnusable
)

// String names the class.
func (p PhaseClass) String() string {
	switch p {
	case PhaseReady:
		return "ready"
	case PhaseTransitional:
		return "transitional"
	default:
		return "unusable"
	}
}

// ClassifyPhase maps status.phase: Available is ready; Creating, Upgrading,
// Resizing, ScalingUp, ScalingDown, RollingBack and Awaking are
// transitional; everything else (Unavailable, Error, Hibernating,
// Hibernation, Deleting, RollbackFailed, Empty, Shelved, Frozen, unknown)
// is unusable.
func ClassifyPhase(phase string) PhaseClass {
	switch phase {
	case "Available":
		return PhaseReady
	case "Creating", "Upgrading", "Resizing", "ScalingUp", "ScalingDown", "RollingBack", "Awaking":
		return PhaseTransitional
	default:
		return PhaseUnusable
	}
}
