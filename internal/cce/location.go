package cce

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Location is where a view of the Client works: a region and a project of
// it. An empty field means the provider's (the Config's): an empty ProjectID
// with another region means that region's project, discovered by name.
type Location struct {
	Region, ProjectID string
}

// String renders l as "region" or "region/project".
func (l Location) String() string {
	if l.ProjectID == "" {
		return l.Region
	}
	return l.Region + "/" + l.ProjectID
}

var (
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+$`)
	projectIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// CheckRegion checks the form of a region name (e.g. eu-de, cn-north-4,
// ap-southeast-1, eu-ch2): lowercase letters and digits in parts joined by
// "-", starting with two letters.
func CheckRegion(region string) error {
	if !regionRe.MatchString(region) {
		return fmt.Errorf("%q is not a region name: write it as the cloud names it, lowercase parts joined by \"-\", such as eu-de or cn-north-4", region)
	}
	return nil
}

// CheckProjectID checks the form of a project ID: 32 lowercase hex digits.
func CheckProjectID(id string) error {
	if !projectIDRe.MatchString(id) {
		return fmt.Errorf("%q is not a project ID: a project ID is 32 lowercase hexadecimal digits, as the console's "+
			"\"My Credentials\" page lists it per region", id)
	}
	return nil
}

// views keeps the location views of a Client, one per location, so that a
// location's answers are read once per process.
type views struct {
	mu   sync.Mutex
	home *Client
	by   map[Location]*Client
}

// Location returns where c works: its region and its configured project
// ("" when it is discovered; ProjectID finds it).
func (c *Client) Location() Location {
	return Location{Region: c.loc.region, ProjectID: c.loc.projectID}
}

// EndpointError names a region that has no CCE or CTS endpoint to use.
type LocationEndpointError struct {
	Region  string
	Service string // "cce" or "cts"
}

// Error implements error.
func (e *LocationEndpointError) Error() string {
	return fmt.Sprintf("no %[1]s endpoint for region %[2]s: endpoints.%[1]s is set (a private gateway) and applies to "+
		"the provider's region only, and region_endpoints has no %[1]s entry for %[2]s; add "+
		"region_endpoints = { %[2]q = { %[1]s = \"https://...\" } } to the provider, or remove endpoints.%[1]s to use "+
		"the public host", e.Service, e.Region)
}

// At returns a view of c that works in loc: it shares the transport, the
// rate limit, the sign-in, the verdict on the credentials and every IAM and
// STS answer with c, and has its own CCE and CTS hosts and cluster answers.
// Empty fields of loc mean c's. The same location gives the same view, so
// each cluster is read once per process and location. It does no network
// I/O; an error says that loc is malformed or has no endpoint.
func (c *Client) At(loc Location) (*Client, error) {
	home := c.views.home
	if loc.Region == "" {
		loc.Region = home.loc.region
	}
	if loc.ProjectID == "" && loc.Region == home.loc.region {
		loc.ProjectID = home.loc.projectID
	}
	if loc == home.Location() || home.isHome(loc) {
		return home, nil
	}
	if err := CheckRegion(loc.Region); err != nil {
		return nil, err
	}
	if loc.ProjectID != "" {
		if err := CheckProjectID(loc.ProjectID); err != nil {
			return nil, err
		}
	}
	if m := c.cfg.method; m == AuthPassword || m == AuthToken {
		return nil, &LocationAuthError{Location: loc, Method: m}
	}
	c.views.mu.Lock()
	defer c.views.mu.Unlock()
	if v, ok := c.views.by[loc]; ok {
		return v, nil
	}
	cceURL, ctsURL, err := c.regionURLs(loc.Region)
	if err != nil {
		return nil, err
	}
	v := &Client{core: c.core, loc: &located{region: loc.Region, projectID: loc.ProjectID, cceURL: cceURL, ctsURL: ctsURL}}
	if c.views.by == nil {
		c.views.by = map[Location]*Client{}
	}
	c.views.by[loc] = v
	return v, nil
}

// regionURLs returns the CCE and CTS base URLs of region: the provider's
// own for its region, else region_endpoints, else the public default unless
// the provider's endpoint of that service is a private gateway.
func (c *Client) regionURLs(region string) (string, string, error) {
	if region == c.cfg.Region {
		return c.cfg.cceURL, c.cfg.ctsURL, nil
	}
	re := c.cfg.RegionEndpoints[region]
	out := [2]string{}
	for i, e := range []struct{ name, override, providers string }{
		{"cce", re.CCE, c.cfg.CCEEndpoint}, {"cts", re.CTS, c.cfg.CTSEndpoint},
	} {
		switch {
		case e.override != "":
			out[i] = e.override
		case e.providers != "":
			return "", "", &LocationEndpointError{Region: region, Service: e.name}
		default:
			out[i] = "https://" + e.name + "." + region + "." + c.cfg.Cloud
		}
	}
	return out[0], out[1], nil
}

// RegionEndpointProblem says, without building a view, why region has no
// CCE or CTS endpoint under cfg ("" when it has both), for checks at plan.
func RegionEndpointProblem(cfg Config, region string) error {
	if region == "" || region == strings.TrimSpace(cfg.Region) {
		return nil
	}
	re := cfg.RegionEndpoints[region]
	if re.CCE == "" && cfg.CCEEndpoint != "" {
		return &LocationEndpointError{Region: region, Service: "cce"}
	}
	if re.CTS == "" && cfg.CTSEndpoint != "" {
		return &LocationEndpointError{Region: region, Service: "cts"}
	}
	return nil
}

// isHome reports whether loc is the home location with its discovered
// project spelt out.
func (c *Client) isHome(loc Location) bool {
	if loc.Region != c.loc.region || c.loc.projectID != "" {
		return false
	}
	e, ok := c.project.lookup(loc.Region)
	return ok && e.err == nil && e.v == loc.ProjectID
}

// LocationAuthError refuses another location to a client that signs in with
// a password or a token: an IAM token is scoped to one project, the
// provider's, and CCE and CTS of another project refuse it.
type LocationAuthError struct {
	Location Location
	Method   AuthMethod
}

// Error implements error.
func (e *LocationAuthError) Error() string {
	how := "an IAM token (auth_token)"
	if e.Method == AuthPassword {
		how = "a password"
	}
	where := fmt.Sprintf("region %q", e.Location.Region)
	if e.Location.ProjectID != "" {
		where += ", project " + e.Location.ProjectID + ","
	}
	return fmt.Sprintf("%s is not the provider's region and project, and the provider signs in with %s, which gives a "+
		"token scoped to the provider's project only; CCE and CTS of another project refuse it. Sign in with an "+
		"access key pair (access_key and secret_key), which works in every region and project, or use a provider "+
		"block (alias) per project", where, how)
}
