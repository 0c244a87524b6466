package cce

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// PrincipalKind classifies the caller.
type PrincipalKind string

// Kinds of caller.
const (
	// PrincipalUser is an IAM user, signed in with any kind of credential.
	PrincipalUser PrincipalKind = "user"
	// PrincipalAccount is the account itself (its user name is the account name).
	PrincipalAccount PrincipalKind = "account"
	// PrincipalAgencySession is a session of an assumed agency.
	PrincipalAgencySession PrincipalKind = "agency_session"
	// PrincipalFederatedUser is a user of an identity provider (SSO).
	PrincipalFederatedUser PrincipalKind = "federated_user"
	// PrincipalUnknown is a caller neither STS nor IAM could name.
	PrincipalUnknown PrincipalKind = "unknown"
)

// AdminStatus answers whether the caller may revoke anyone's credential. The
// product's rule: members of the admin group and the account may; other IAM
// users only their own. For other callers CCE applies their policies.
type AdminStatus string

// Admin answers.
const (
	AdminYes     AdminStatus = "yes"
	AdminNo      AdminStatus = "no"
	AdminUnknown AdminStatus = "unknown" // the caller cannot be classified: CCE decides
)

// Identity describes the caller.
type Identity struct {
	// UserID and UserName name an IAM user or the account; empty for other kinds.
	UserID, UserName                string
	DomainID, DomainName, ProjectID string
	// PrincipalID and PrincipalURN are STS's names of the caller; empty when
	// STS could not be asked.
	PrincipalID, PrincipalURN string
	Kind                      PrincipalKind
	// Admin is read live from the caller's groups; AdminReason says why it
	// is what it is, in a sentence.
	Admin       AdminStatus
	AdminReason string
	// Groups are the caller's group names, nil when they were not read.
	Groups     []string
	AuthMethod AuthMethod
	// TokenScope is "project" or "domain" for token and password sign-in.
	TokenScope string
}

// Token scopes.
const (
	ScopeProject = "project"
	ScopeDomain  = "domain"
)

// Caller identifies the caller: STS caller identity first; when STS cannot
// be asked, the token body (token and password sign-in) or the owner of a
// permanent access key. The admin answer comes from the caller's groups,
// read again with Fresh.
func (c *Client) Caller(ctx context.Context, read Read) (*Identity, error) {
	id, err := copyOf(c.caller.get(ctx, "", read, c.whoAmI, keepFailure))
	if err != nil {
		return nil, err
	}
	id.Groups = slices.Clone(id.Groups)
	return id, nil
}

// whoAmI asks who the caller is in two rounds of calls that run at the same
// time: every plan and apply starts with it, so its round trips add directly
// to the run time.
func (c *Client) whoAmI(ctx context.Context) (*Identity, error) {
	id := &Identity{AuthMethod: c.cfg.method, Kind: PrincipalUnknown}
	// The first round: STS, the project, and the sign-in's token or the
	// account, all at once.
	var (
		who                    *stsIdentity
		tok                    *tokenInfo
		dom                    domainJSON
		stsErr, tokErr, domErr error
		projErr                error
		wg                     sync.WaitGroup
	)
	wg.Go(func() { who, stsErr = c.stsCaller(ctx) })
	wg.Go(func() { id.ProjectID, projErr = c.ProjectID(ctx) })
	switch {
	case !c.cfg.method.signsRequests():
		wg.Go(func() { tok, tokErr = c.tokenBody(ctx) })
	case c.cfg.DomainID == "":
		// Needed for X-Domain-Id anyway; it also names the account.
		wg.Go(func() { dom, domErr = c.authDomain(ctx) })
	}
	wg.Wait()
	// What failed, in the order one depends on the other: the sign-in, then
	// the account, then the project. STS may fail alone (an older region,
	// a federated caller): IAM answers then, unless STS refused the key
	// pair itself, which IAM would refuse too.
	for _, err := range []error{tokErr, domErr, projErr} {
		if err != nil {
			return nil, err
		}
	}
	if stsErr != nil && (IsUnauthorized(stsErr) && tok == nil || ctx.Err() != nil) {
		return nil, stsErr
	}
	id.DomainID, id.DomainName = c.cfg.DomainID, dom.Name
	if id.DomainID == "" {
		id.DomainID = dom.ID
	}
	if tok != nil {
		id.fillFromToken(tok)
	}
	switch {
	case who != nil:
		id.fillFromSTS(who)
	case tok != nil:
	case c.cfg.method == AuthAKSK:
		// The credential look-up is documented for permanent keys only.
		userID, err := c.accessKeyOwner(ctx)
		if err != nil {
			return nil, err
		}
		id.UserID, id.Kind = userID, PrincipalUser
	default:
		id.Admin = AdminUnknown
		id.AdminReason = fmt.Sprintf("Temporary access keys are identified only by STS, which could not be asked (%s).", stsErr)
		return id, nil
	}
	if err := c.readGroups(ctx, id); err != nil {
		return nil, err
	}
	return id, nil
}

// fillFromToken takes the caller from a token body.
func (id *Identity) fillFromToken(t *tokenInfo) {
	id.DomainID, id.DomainName = t.User.Domain.ID, t.User.Domain.Name
	id.TokenScope = ScopeDomain
	if t.Project.ID != "" {
		id.TokenScope = ScopeProject
	}
	if t.AssumedBy != nil {
		// An agency token: user describes the delegating side.
		id.Kind = PrincipalAgencySession
		return
	}
	id.UserID, id.UserName, id.Kind = t.User.ID, t.User.Name, PrincipalUser
}

// fillFromSTS takes the caller from STS caller identity. The URN formats
// (UNCONFIRMED for STS) are those of the CTS trace's user.principal_urn:
// iam::<account>:user:<name>, sts::<account>:assumed-agency:<agency>/<session>,
// sts::<account>:external-user:<idp>/<session>.
func (id *Identity) fillFromSTS(who *stsIdentity) {
	id.PrincipalID, id.PrincipalURN = who.PrincipalID, who.PrincipalURN
	if who.AccountID != "" {
		id.DomainID = who.AccountID
	}
	id.UserID, id.UserName, id.Kind = "", "", PrincipalUnknown
	for _, k := range []struct {
		marker string
		kind   PrincipalKind
	}{{":user:", PrincipalUser}, {":assumed-agency:", PrincipalAgencySession}, {":external-user:", PrincipalFederatedUser}} {
		if _, rest, ok := strings.Cut(who.PrincipalURN, k.marker); ok {
			id.Kind = k.kind
			if k.kind == PrincipalUser {
				id.UserID, id.UserName = who.PrincipalID, rest
			}
			break
		}
	}
}

// unknownPrincipalReason says that STS named a kind of caller this provider
// does not know, so that its rights are left to CCE.
func unknownPrincipalReason(id *Identity) string {
	return fmt.Sprintf("STS names the caller %q (principal ID %q), a kind of principal this provider does not know "+
		"(it knows IAM users, agency sessions and federated users), so it cannot tell the caller's rights.",
		id.PrincipalURN, id.PrincipalID)
}

// readGroups classifies an IAM user from its groups (and reads its name when
// nothing named it yet); other callers get the answer of their kind.
func (c *Client) readGroups(ctx context.Context, id *Identity) error {
	switch id.Kind {
	case PrincipalAgencySession:
		id.Admin, id.AdminReason = AdminUnknown, "An agency session acts with the agency's policies, which the provider cannot read."
		return nil
	case PrincipalFederatedUser:
		id.Admin, id.AdminReason = AdminUnknown, "A federated user acts with the policies of the identity provider's mapping, which the provider cannot read."
		return nil
	case PrincipalUnknown:
		if id.UserID == "" { // an STS answer fillFromSTS does not know: CCE decides
			id.Admin, id.AdminReason = AdminUnknown, unknownPrincipalReason(id)
			return nil
		}
	}
	// The second round: the user's name (when the first did not give it)
	// and groups, at once. A failed name look-up fails the whole; failed
	// groups leave the admin question open, unless the key was refused.
	var (
		user               *User
		groups             []Group
		userErr, groupsErr error
		wg                 sync.WaitGroup
	)
	if id.UserName == "" {
		wg.Go(func() { user, userErr = c.userByID(ctx, id.UserID, Cached) })
	}
	wg.Go(func() { groups, groupsErr = c.ListUserGroups(ctx, id.UserID) })
	wg.Wait()
	if userErr != nil {
		return userErr
	}
	if user != nil {
		id.UserName = user.Name
		if id.DomainID == "" {
			id.DomainID = user.DomainID
		}
	}
	if id.UserName != "" && id.UserName == id.DomainName {
		id.Kind = PrincipalAccount
	}
	switch {
	case groupsErr != nil && (IsUnauthorized(groupsErr) || ctx.Err() != nil):
		return groupsErr
	case groupsErr == nil:
		id.Groups = []string{}
		for _, gr := range groups {
			id.Groups = append(id.Groups, gr.Name)
		}
	}
	switch {
	case id.Kind == PrincipalAccount:
		id.Admin, id.AdminReason = AdminYes, "The account itself may revoke any credential."
	case groupsErr != nil:
		id.Admin, id.AdminReason = AdminUnknown, "IAM did not let the provider read the caller's groups ("+groupsErr.Error()+")."
	case slices.Contains(id.Groups, adminGroupName):
		id.Admin, id.AdminReason = AdminYes, "The caller is a member of group "+adminGroupName+"."
	default:
		id.Admin, id.AdminReason = AdminNo, "The caller is not a member of group "+adminGroupName+
			", and an IAM user may revoke only their own credential."
	}
	return nil
}

// accessKeyOwner returns the user ID behind the configured (permanent)
// access key.
func (c *Client) accessKeyOwner(ctx context.Context) (string, error) {
	ak, err := escapeID("access key", c.cfg.Credentials.AccessKey)
	if err != nil {
		return "", err
	}
	var cred struct {
		Credential struct {
			UserID string `json:"user_id"`
		} `json:"credential"`
	}
	if err := c.getJSON(ctx, c.iamCall("get credential", fmt.Sprintf(pathCredential, ak), nil), &cred); err != nil {
		return "", err
	}
	if cred.Credential.UserID == "" {
		return "", opError(ServiceIAM, "get credential", fmt.Errorf("response has no user_id"))
	}
	return cred.Credential.UserID, nil
}

// stsIdentity is the answer of STS GET /v5/caller-identity (cce-api.md §14).
type stsIdentity struct {
	AccountID    string `json:"account_id"`
	PrincipalURN string `json:"principal_urn"`
	PrincipalID  string `json:"principal_id"`
}

// stsCaller asks STS who the caller is (once per Client). It needs no
// permission and answers for every kind of caller.
func (c *Client) stsCaller(ctx context.Context) (*stsIdentity, error) {
	return copyOf(c.sts.get(ctx, "", Cached, func(ctx context.Context) (*stsIdentity, error) {
		const op = "get caller identity"
		if c.cfg.stsURL == "" {
			return nil, opError(ServiceSTS, op, fmt.Errorf("no STS endpoint: set region or endpoints.sts"))
		}
		var out stsIdentity
		if err := c.getJSON(ctx, call{service: ServiceSTS, op: op, method: http.MethodGet, base: c.cfg.stsURL,
			path: pathCallerIdentity}, &out); err != nil {
			return nil, err
		}
		return &out, nil
	}, keepFailure))
}

// tokenBody returns the body of the token the client signs in with: the
// password token's, or GET /v3/auth/tokens for a configured token (once).
func (c *Client) tokenBody(ctx context.Context) (*tokenInfo, error) {
	if c.cfg.method == AuthPassword {
		t, err := c.tokens.get(ctx)
		if err != nil {
			return nil, err
		}
		return &t.info, nil
	}
	return copyOf(c.tokenView.get(ctx, "", Cached, func(ctx context.Context) (*tokenInfo, error) {
		var tb tokenBody
		hdr := http.Header{headerSubject: {c.cfg.Credentials.AuthToken}}
		if err := c.getJSON(ctx, call{service: ServiceIAM, op: "verify token", method: http.MethodGet,
			base: c.cfg.iamURL, path: pathTokens, header: hdr}, &tb); err != nil {
			return nil, err
		}
		return &tb.Token, nil
	}, keepFailure))
}
