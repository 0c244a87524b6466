package cce

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"golang.org/x/sync/errgroup"
)

// Identity describes the caller.
type Identity struct {
	UserID, UserName, DomainID, DomainName, ProjectID string
	// IsAdmin is true for members of the "admin" group and for the account
	// itself (user name == domain name).
	IsAdmin bool
	// Groups are the caller's group names.
	Groups     []string
	AuthMethod AuthMethod
}

// Caller identifies the caller. Token: GET /v3/auth/tokens; password: the
// token body; AK/SK: credential -> user -> domains. Admin from
// GET /v3/users/{id}/groups.
func (c *Client) Caller(ctx context.Context, read Read) (*Identity, error) {
	id, err := copyOf(c.caller.get(ctx, "", read, c.whoAmI, nil))
	if err != nil {
		return nil, err
	}
	id.Groups = slices.Clone(id.Groups)
	return id, nil
}

// whoAmI asks IAM who the caller is. After the one lookup that yields the
// user ID, the remaining independent calls (user, domain, groups, project)
// run at the same time: every plan and apply starts with this, so its round
// trips add directly to the run time.
func (c *Client) whoAmI(ctx context.Context) (*Identity, error) {
	id := &Identity{AuthMethod: c.cfg.method}
	switch c.cfg.method {
	case AuthPassword:
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return nil, err
		}
		fillFromToken(id, tok.info)
	case AuthToken:
		var tb tokenBody
		hdr := http.Header{headerSubject: {c.cfg.Credentials.AuthToken}}
		if err := c.getJSON(ctx, call{service: ServiceIAM, op: "verify token", method: http.MethodGet,
			base: c.cfg.iamURL, path: pathTokens, header: hdr}, &tb); err != nil {
			return nil, err
		}
		fillFromToken(id, tb.Token)
	default: // AK/SK: only the user ID is known after this call.
		userID, err := c.accessKeyOwner(ctx)
		if err != nil {
			return nil, err
		}
		id.UserID = userID
	}

	var (
		user    *User
		domains []domainJSON
		groups  []Group
	)
	g, gctx := errgroup.WithContext(ctx)
	if c.cfg.method != AuthPassword && c.cfg.method != AuthToken {
		// Through the per-ID cache: a caller who is not allowed to list users
		// and revokes their own credential looks this user up again.
		g.Go(func() (err error) { user, err = c.userByID(gctx, id.UserID, Cached); return err })
		g.Go(func() (err error) { domains, err = c.listAuthDomains(gctx); return err })
	}
	g.Go(func() (err error) { id.ProjectID, err = c.ProjectID(gctx); return err })
	g.Go(func() error {
		var err error
		groups, err = c.ListUserGroups(gctx, id.UserID)
		if IsForbidden(err) {
			return nil // Fail closed: without group visibility the caller is not admin.
		}
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}

	if user != nil {
		id.UserName, id.DomainID = user.Name, user.DomainID
	}
	for _, d := range domains {
		if id.DomainID == "" || d.ID == id.DomainID {
			id.DomainID, id.DomainName = d.ID, d.Name
			break
		}
	}
	for _, gr := range groups {
		id.Groups = append(id.Groups, gr.Name)
		if gr.Name == adminGroupName {
			id.IsAdmin = true
		}
	}
	if id.UserName != "" && id.UserName == id.DomainName {
		id.IsAdmin = true
	}
	return id, nil
}

func fillFromToken(id *Identity, t tokenInfo) {
	id.UserID = t.User.ID
	id.UserName = t.User.Name
	id.DomainID = t.User.Domain.ID
	id.DomainName = t.User.Domain.Name
}

// accessKeyOwner returns the user ID behind the configured access key.
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

// domainJSON is one entry of GET /v3/auth/domains.
type domainJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// listAuthDomains lists the domains the caller may act in (its own account).
func (c *Client) listAuthDomains(ctx context.Context) ([]domainJSON, error) {
	var doms struct {
		Domains []domainJSON `json:"domains"`
	}
	err := c.getJSON(ctx, c.iamCall("list auth domains", pathDomains, nil), &doms)
	return doms.Domains, err
}
