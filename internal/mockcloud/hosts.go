package mockcloud

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
)

// host is one listener of the fake cloud, as one host name of the real
// cloud: IAM and STS are global (iam.{region}.{cloud} and sts... answer for
// the whole account), CCE and CTS answer for their region only. A request
// for another service's path, or for a project of another region, gets the
// answer the real host gives: the gateway's 404, or the service's
// not-found.
type host struct {
	service, region string // service "" is the combined listener (URL)
	url             string
	ln              net.Listener
	srv             *http.Server
}

// name is the label of h in Request.Host.
func (h *host) name() string {
	switch h.service {
	case "":
		return "all"
	case serviceIAM, serviceSTS:
		return lowerService(h.service)
	}
	return lowerService(h.service) + "." + h.region
}

func lowerService(s string) string {
	switch s {
	case serviceIAM:
		return "iam"
	case serviceSTS:
		return "sts"
	case serviceCCE:
		return "cce"
	}
	return "cts"
}

// ServeHTTP answers a request that reached this host.
func (h *hostHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.c.serveControl(w, r) {
		return
	}
	h.c.serve(w, r, h.h)
}

type hostHandler struct {
	c *Cloud
	h *host
}

// startHosts opens one listener per global service and one per regional
// service and region, on the address family of the combined listener.
func (c *Cloud) startHosts(cert tls.Certificate) error {
	hosts := []*host{{service: serviceIAM, region: Region}, {service: serviceSTS, region: Region}}
	for _, region := range Regions() {
		hosts = append(hosts, &host{service: serviceCCE, region: region}, &host{service: serviceCTS, region: region})
	}
	ip := "127.0.0.1"
	if a, ok := c.ln.Addr().(*net.TCPAddr); ok {
		ip = a.IP.String()
	}
	for _, h := range hosts {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			return fmt.Errorf("mockcloud: listen for %s: %w", h.name(), err)
		}
		h.ln, h.url = ln, "https://"+ln.Addr().String()
		h.srv = serveTLS(ln, &hostHandler{c: c, h: h}, cert)
		c.hosts = append(c.hosts, h)
	}
	return nil
}

// servers returns every HTTP server of the cloud.
func (c *Cloud) servers() []*http.Server {
	out := []*http.Server{}
	if c.srv != nil {
		out = append(out, c.srv)
	}
	for _, h := range c.hosts {
		out = append(out, h.srv)
	}
	return out
}

// Endpoints are the base URLs of the fake cloud's hosts, laid out as the
// client's defaults: one IAM and one STS for the account, CCE and CTS per
// region (keys: Regions()).
type Endpoints struct {
	IAM, STS string
	CCE, CTS map[string]string
}

// Endpoints returns the base URLs of every host (no trailing slash).
func (c *Cloud) Endpoints() Endpoints {
	e := Endpoints{CCE: map[string]string{}, CTS: map[string]string{}}
	for _, h := range c.hosts {
		switch h.service {
		case serviceIAM:
			e.IAM = h.url
		case serviceSTS:
			e.STS = h.url
		case serviceCCE:
			e.CCE[h.region] = h.url
		case serviceCTS:
			e.CTS[h.region] = h.url
		}
	}
	return e
}
