// Package sts is the fake cloud's STS: who the caller is. Sessions of
// agencies and federated users are the world's (world.Session); the mock
// serves no AssumeAgency, tests and the control API make sessions directly.
package sts

import (
	"net/http"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"
)

// RouteCallerID is STS's caller identity API (its http.ServeMux pattern).
const RouteCallerID = "GET /v5/caller-identity"

// Service is STS.
type Service struct{ acct *world.Account }

// New returns STS over the account.
func New(acct *world.Account) *Service { return &Service{acct: acct} }

// Routes returns STS's APIs.
func (s *Service) Routes() []wire.Route {
	return []wire.Route{{Pattern: RouteCallerID, Service: wire.STS, Handle: s.handleCallerIdentity}}
}

// handleCallerIdentity answers STS GET /v5/caller-identity for every kind of
// caller; it needs no permission. The URN and ID formats follow the CTS
// trace's user.principal_urn / principal_id documentation (UNCONFIRMED for STS).
func (s *Service) handleCallerIdentity(c *wire.Call) {
	s.acct.Mu.Lock()
	defer s.acct.Mu.Unlock()
	var urn, id string
	switch sess := c.Caller.Session; {
	case sess == nil:
		u := s.acct.Users[c.Caller.UserID]
		if u == nil {
			wire.AuthFailed(c, "The token must be updated")
			return
		}
		urn, id = "iam::"+world.DomainID+":user:"+u.Name, u.ID
	case sess.Kind == world.SessionAgency:
		name := sess.ID
		if a := s.acct.Agencies[sess.ID]; a != nil {
			name = a.Name
		}
		urn, id = "sts::"+world.DomainID+":"+sess.Kind+":"+name+"/"+sess.Name, sess.PrincipalID()
	default:
		urn, id = "sts::"+world.DomainID+":"+sess.Kind+":"+sess.ID+"/"+sess.Name, sess.PrincipalID()
	}
	wire.JSON(c.W, http.StatusOK, map[string]string{"account_id": world.DomainID, "principal_urn": urn, "principal_id": id})
}
