package cce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/world"

	"github.com/cceops/terraform-provider-cce/internal/mockcloud/wire"
)

// Limits of clustercert (cce-api.md section 4, HWC flavour).
const (
	// MaxCertDays is the longest validity in days; duration -1 selects it.
	MaxCertDays = 1827
	// minExpireAhead is how far ahead of now expire_at must lie at least.
	minExpireAhead = 15 * time.Minute
	// expireAtLayout is the format of expire_at, e.g. "2025-01-01 16:00:00 +0000 UTC".
	expireAtLayout = "2006-01-02 15:04:05 -0700 MST"
)

// CertRequest is the body of clustercert.
type CertRequest struct {
	Duration *int    `json:"duration"`
	ExpireAt *string `json:"expire_at"`
}

// CertNotAfter applies the duration / expire_at rules and returns NotAfter,
// or a message naming the rule that was broken.
func CertNotAfter(req CertRequest, now time.Time) (time.Time, string) {
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
func (s *Service) handleClusterCert(c *wire.Call) {
	cl, ok := s.lookupCluster(c)
	if !ok {
		return
	}
	var req CertRequest
	dec := json.NewDecoder(bytes.NewReader(c.Body))
	if err := dec.Decode(&req); err != nil {
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, "request body is not valid: "+err.Error())
		return
	}
	now := s.acct.Now()
	notAfter, msg := CertNotAfter(req, now)
	if msg != "" {
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, msg)
		return
	}
	if cl.Phase != world.PhaseAvailable {
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest,
			"cluster "+cl.ID+" is in phase "+cl.Phase+"; credentials can only be issued while it is Available")
		return
	}
	s.acct.Mu.Lock()
	if s.acct.IsReadOnly(c.Caller.UserID) {
		s.acct.Mu.Unlock()
		writeReadOnly(c, "download credentials")
		return
	}
	var groups []string
	if u, found := s.acct.Users[c.Caller.UserID]; found {
		for _, g := range u.Groups {
			if id, known := s.acct.Groups[g]; known {
				groups = append(groups, id)
			}
		}
	}
	s.acct.Mu.Unlock()
	kubeconfig, err := s.issuer.Issue(cl.ID, c.Caller.UserID, c.Caller.AsAgency(), groups, now, notAfter)
	switch {
	case errors.Is(err, world.ErrClusterNotFound):
		wire.CCEError(c, http.StatusNotFound, wire.CodeNotFound, "cluster "+cl.ID+" not found")
		return
	case errors.Is(err, world.ErrClusterNotAvailable):
		wire.CCEError(c, http.StatusBadRequest, wire.CodeInvalidRequest, "cluster "+cl.ID+" is no longer Available")
		return
	case err != nil:
		wire.CCEError(c, http.StatusInternalServerError, wire.CodeInternal, err.Error())
		return
	}
	c.W.Header().Set("Port-ID", world.RandomUUID())
	c.W.Header().Set("Content-Type", "application/json;charset=utf-8")
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write(kubeconfig) // Buffered; cannot fail.
}
