package cce

import (
	"context"
	"fmt"
	"net/http"
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

// WhoAmI identifies the caller (cached per Client, one lookup for concurrent
// callers). Token: GET /v3/auth/tokens; password: the token body; AK/SK:
// credential -> user -> domains. Admin from GET /v3/users/{id}/groups.
func (c *Client) WhoAmI(ctx context.Context) (*Identity, error) {
	id, err := c.whoami.get(ctx, "", c.whoAmI, nil)
	if err != nil {
		return nil, err
	}
	cp := *id
	cp.Groups = append([]string(nil), id.Groups...)
	return &cp, nil
}

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
	default: // AK/SK
		if err := c.whoAmIAKSK(ctx, id); err != nil {
			return nil, err
		}
	}
	pid, err := c.ProjectID(ctx)
	if err != nil {
		return nil, err
	}
	id.ProjectID = pid
	groups, err := c.ListUserGroups(ctx, id.UserID)
	switch {
	case err == nil:
		for _, g := range groups {
			id.Groups = append(id.Groups, g.Name)
			if g.Name == adminGroupName {
				id.IsAdmin = true
			}
		}
	case IsForbidden(err):
		// Fail closed: without group visibility the caller is not admin.
	default:
		return nil, err
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

// whoAmIAKSK resolves the caller of an access key.
func (c *Client) whoAmIAKSK(ctx context.Context, id *Identity) error {
	ak, err := escapeID("access key", c.cfg.Credentials.AccessKey)
	if err != nil {
		return err
	}
	var cred struct {
		Credential struct {
			UserID string `json:"user_id"`
		} `json:"credential"`
	}
	if err := c.getJSON(ctx, c.iamCall("get credential", fmt.Sprintf(pathCredential, ak), nil), &cred); err != nil {
		return err
	}
	if cred.Credential.UserID == "" {
		return opError(ServiceIAM, "get credential", fmt.Errorf("response has no user_id"))
	}
	u, err := c.GetUser(ctx, cred.Credential.UserID)
	if err != nil {
		return err
	}
	id.UserID, id.UserName, id.DomainID = u.ID, u.Name, u.DomainID
	if id.UserID == "" {
		id.UserID = cred.Credential.UserID
	}
	var doms struct {
		Domains []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"domains"`
	}
	if err := c.getJSON(ctx, c.iamCall("list auth domains", pathDomains, nil), &doms); err != nil {
		return err
	}
	for _, d := range doms.Domains {
		if id.DomainID == "" || d.ID == id.DomainID {
			id.DomainID, id.DomainName = d.ID, d.Name
			break
		}
	}
	return nil
}
