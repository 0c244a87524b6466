package mockcloud

import (
	"net/http"
	"testing"
)

// The world view's verdict on a cluster is CCE's: it says revocable exactly
// when clustercertrevoke accepts one there, whatever makes it refuse.
func TestWorld_revocableIsWhatCCEAccepts(t *testing.T) {
	t.Parallel()
	c := NewForTest(t, WithoutSeed())
	c.AddUser(User{ID: AdminUserID, Name: AdminUserName, Enabled: true, Groups: []string{AdminGroupName},
		AccessKey: AdminAccessKey, SecretKey: AdminSecretKey})
	clusters := map[string]Cluster{
		"eligible":       {Version: "v1.27", PlatformVersion: "cce.1.10"},
		"line-only-1.28": {Version: "v1.28"},
		"line-only-1.27": {Version: "v1.27"},
		"too-old":        {Version: "v1.23.9-r0"},
		"upgrading":      {Version: "v1.29.1-r0", Phase: "Upgrading"},
		"locked":         {Version: "v1.29.1-r0", Locked: true, LockScene: "arrears"},
		"old-and-busy":   {Version: "v1.19.16-r4", Phase: "Hibernation"},
	}
	for name, cl := range clusters {
		cl.ID, cl.Name = derivedClusterID(name), name
		if cl.Phase == "" {
			cl.Phase = PhaseAvailable
		}
		c.PutCluster(cl)
	}
	verdict := map[string]WorldCluster{}
	for _, wc := range c.World().Clusters {
		verdict[wc.Name] = wc
	}
	for name := range clusters {
		r := call(t, c, adminCred, "POST", cceClusters+"/"+derivedClusterID(name)+"/clustercertrevoke",
			map[string]string{"userId": AliceUserID})
		if accepted := r.status == http.StatusOK; accepted != verdict[name].Revocable {
			t.Errorf("%s: CCE answered %d %s, the world view says revocable=%v (%s)", name, r.status, r.body,
				verdict[name].Revocable, verdict[name].Reason)
		}
	}
}
