package world

import "time"

// PutCluster stores cl at now, keeping the creation time of a replaced
// cluster; the caller holds Mu.
func (a *Account) PutCluster(cl Cluster, now time.Time) {
	cl.Region, cl.ProjectID = a.place(cl.Region, cl.ProjectID)
	created := now
	if old, ok := a.Clusters[cl.ID]; ok {
		created = old.Created
	}
	a.Clusters[cl.ID] = &ClusterRec{Cluster: cl, Created: created, Updated: now}
}

// ClusterByName finds a cluster by name; the caller holds Mu.
func (a *Account) ClusterByName(name string) *ClusterRec {
	for _, cl := range a.Clusters {
		if cl.Name == name {
			return cl
		}
	}
	return nil
}

// place fills the region and project of a cluster: a project gives its
// region, a region its main project, nothing the first region.
func (a *Account) place(region, projectID string) (string, string) {
	if p, ok := a.Projects[projectID]; ok && projectID != "" {
		return p.Region, projectID
	}
	if projectID != "" {
		return region, projectID // an unknown project: reachable by no host
	}
	if region == "" {
		region = Region
	}
	return region, MainProject(region)
}

// ProjectIn reports whether projectID is a project of region; the caller holds Mu.
func (a *Account) ProjectIn(projectID, region string) bool {
	p, ok := a.Projects[projectID]
	return ok && p.Region == region
}
