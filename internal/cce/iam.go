package cce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// User is an IAM user.
type User struct {
	ID, Name, DomainID, Description string
	Enabled                         bool
}

// Agency is an IAM agency.
type Agency struct {
	ID, Name, DomainID, TrustDomainID, TrustDomainName, Description, CreateTime string
}

// Group is an IAM user group.
type Group struct{ ID, Name string }

type userJSON struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	DomainID    string  `json:"domain_id"`
	Description *string `json:"description"`
	Enabled     *bool   `json:"enabled"`
}

func (u userJSON) user() User {
	out := User{ID: u.ID, Name: u.Name, DomainID: u.DomainID, Enabled: true}
	if u.Description != nil {
		out.Description = *u.Description
	}
	if u.Enabled != nil {
		out.Enabled = *u.Enabled
	}
	return out
}

type agencyJSON struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	DomainID        string  `json:"domain_id"`
	TrustDomainID   string  `json:"trust_domain_id"`
	TrustDomainName string  `json:"trust_domain_name"`
	Description     *string `json:"description"`
	CreateTime      string  `json:"create_time"`
}

func (a agencyJSON) agency() Agency {
	out := Agency{ID: a.ID, Name: a.Name, DomainID: a.DomainID, TrustDomainID: a.TrustDomainID,
		TrustDomainName: a.TrustDomainName, CreateTime: a.CreateTime}
	if a.Description != nil {
		out.Description = *a.Description
	}
	return out
}

// iamCall builds an IAM GET call.
func (c *Client) iamCall(op, path string, q url.Values) call {
	return call{service: ServiceIAM, op: op, method: http.MethodGet, base: c.cfg.iamURL, path: path, query: q, global: true}
}

// iamGetByID reads the IAM object at format with its escaped ID (kind names
// the ID in an error) into out.
func (c *Client) iamGetByID(ctx context.Context, op, format, kind, id string, out any) error {
	eid, err := escapeID(kind, id)
	if err != nil {
		return opError(ServiceIAM, op, err)
	}
	return c.getJSON(ctx, c.iamCall(op, fmt.Sprintf(format, eid), nil), out)
}

// getUser reads one IAM user.
func (c *Client) getUser(ctx context.Context, id string) (*User, error) {
	var out struct {
		User userJSON `json:"user"`
	}
	if err := c.iamGetByID(ctx, "get user", pathUser, "user ID", id, &out); err != nil {
		return nil, err
	}
	u := out.User.user()
	return &u, nil
}

// ListUsers lists all IAM users of the account, decoding the answer as a
// stream so large directories stay in bounded memory.
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := c.read(ctx, c.iamCall("list users", pathUsers, nil), func(r io.Reader) (err error) {
		users, err = decodeUsers(r)
		return err
	})
	return users, err
}

// decodeUsers streams {"users":[...], ...} element by element.
func decodeUsers(r io.Reader) ([]User, error) {
	return decodeArray(r, "users", userJSON.user)
}

// decodeArray streams the array under key, converting each element.
func decodeArray[J, T any](r io.Reader, key string, convert func(J) T) ([]T, error) {
	var out []T
	err := streamArray(r, key, func(dec *json.Decoder) error {
		var j J
		if err := dec.Decode(&j); err != nil {
			return err
		}
		out = append(out, convert(j))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// streamArray walks a top-level JSON object and calls each for every element
// of the array under key; other members are skipped.
func streamArray(r io.Reader, key string, each func(*json.Decoder) error) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := t.(string)
		if !ok {
			return errors.New("decoding response: malformed object key")
		}
		if name != key {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		t, err = dec.Token()
		if err != nil {
			return err
		}
		if t == nil {
			continue
		}
		if d, ok := t.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("decoding response: %q is not an array", key)
		}
		for dec.More() {
			if err := each(dec); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return fmt.Errorf("decoding response: %w", err)
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("decoding response: expected %q", want)
	}
	return nil
}

// ListUserGroups lists the groups of a user.
func (c *Client) ListUserGroups(ctx context.Context, userID string) ([]Group, error) {
	var out struct {
		Groups []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"groups"`
	}
	if err := c.iamGetByID(ctx, "list user groups", pathUserGroups, "user ID", userID, &out); err != nil {
		return nil, err
	}
	groups := make([]Group, 0, len(out.Groups))
	for _, g := range out.Groups {
		groups = append(groups, Group{ID: g.ID, Name: g.Name})
	}
	return groups, nil
}

// getAgency reads one agency.
func (c *Client) getAgency(ctx context.Context, id string) (*Agency, error) {
	var out struct {
		Agency agencyJSON `json:"agency"`
	}
	if err := c.iamGetByID(ctx, "get agency", pathAgency, "agency ID", id, &out); err != nil {
		return nil, err
	}
	a := out.Agency.agency()
	return &a, nil
}

// ListAgencies lists the agencies of the caller's account (its domain_id
// comes from the caller's identity).
func (c *Client) ListAgencies(ctx context.Context) ([]Agency, error) {
	domainID, err := c.accountID(ctx)
	if err != nil {
		return nil, err
	}
	var agencies []Agency
	err = c.read(ctx, c.iamCall("list agencies", pathAgencies, url.Values{"domain_id": {domainID}}), func(r io.Reader) (err error) {
		agencies, err = decodeAgencies(r)
		return err
	})
	return agencies, err
}

// accountID is the caller's account (domain) ID, from the look-ups that
// come first anyway: X-Domain-Id's for a signed request, the token's
// otherwise. Not from Caller, which reads the caller's groups after them: the
// agency listing would wait one round trip more.
func (c *Client) accountID(ctx context.Context) (string, error) {
	if c.cfg.method.signsRequests() {
		return c.domainID(ctx)
	}
	if c.cfg.DomainID != "" {
		return c.cfg.DomainID, nil
	}
	t, err := c.tokenBody(ctx)
	if err != nil {
		return "", err
	}
	return t.User.Domain.ID, nil
}

// decodeAgencies streams the agencies array, element by element.
func decodeAgencies(r io.Reader) ([]Agency, error) {
	return decodeArray(r, "agencies", agencyJSON.agency)
}

// User finds a user in the account's directory, listed once (ListUsers) for
// every lookup; when listing is forbidden it reads the user by ID instead.
// A missing user yields an error satisfying IsNotFound.
func (c *Client) User(ctx context.Context, id string, read Read) (*User, error) {
	return c.users.find(ctx, id, read)
}

// Agency is User for agencies (ListAgencies, else one agency by ID).
func (c *Client) Agency(ctx context.Context, id string, read Read) (*Agency, error) {
	return c.agencies.find(ctx, id, read)
}

// userByID reads one user by ID, kept per ID (failures too).
func (c *Client) userByID(ctx context.Context, id string, read Read) (*User, error) {
	return c.users.one(ctx, id, read)
}

// directory finds users or agencies by ID: in one listing of the account,
// kept per Client, or, when listing is forbidden, by one read per ID, kept
// too. A listing or read that failed (after its retries) is kept like an
// answer, so N revocations do not repeat it (keepFailure).
type directory[T any] struct {
	what string // "user" or "agency", for the not-found error
	list func(context.Context) ([]T, error)
	get  func(context.Context, string) (*T, error)
	idOf func(T) string

	listed memo[map[string]T]
	byID   memo[*T]
}

func (d *directory[T]) find(ctx context.Context, id string, read Read) (*T, error) {
	all, err := d.listing(ctx, read)
	switch {
	case err == nil:
		if v, ok := all[id]; ok {
			return &v, nil
		}
		return nil, notFoundError(ServiceIAM, "lookup "+d.what, fmt.Sprintf("no IAM %s with ID %q", d.what, id))
	case !IsForbidden(err):
		return nil, err
	}
	return d.one(ctx, id, read)
}

// listing is the directory's one listing of the account, by ID, from the memo
// find uses too (a failed listing is kept like an answer: it is asked once).
func (d *directory[T]) listing(ctx context.Context, read Read) (map[string]T, error) {
	return d.listed.get(ctx, "", read, func(ctx context.Context) (map[string]T, error) {
		items, err := d.list(ctx)
		if err != nil {
			return nil, err
		}
		m := make(map[string]T, len(items))
		for _, it := range items {
			m[d.idOf(it)] = it
		}
		return m, nil
	}, keepFailure)
}

func (d *directory[T]) one(ctx context.Context, id string, read Read) (*T, error) {
	return copyOf(d.byID.get(ctx, id, read, func(ctx context.Context) (*T, error) { return d.get(ctx, id) }, keepFailure))
}
