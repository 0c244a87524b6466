package cce

import (
	"context"
	"sync"
)

// ApplicantKind says what IAM knows an ID as: "user", "agency", or "" when
// neither listing holds it (a deleted or federated identity, or a typo).
type ApplicantKind struct {
	Kind string // "user", "agency" or ""
	Name string // the user's or agency's name; "" when Kind is ""
}

// KindOf looks id up in the account's user and agency listings, each read
// once per Client and shared with User and Agency: checking N revocations
// costs two IAM reads, not N. It never reads one ID at a time. When a
// listing that could hold the ID may not be read, the error satisfies
// IsForbidden (or is the listing's other error), and a match in the other
// listing still wins.
func (c *Client) KindOf(ctx context.Context, id string, read Read) (ApplicantKind, error) {
	l := c.listings(ctx, read)
	if u, ok := l.users[id]; ok {
		return ApplicantKind{Kind: "user", Name: u.Name}, nil
	}
	if a, ok := l.agencies[id]; ok {
		return ApplicantKind{Kind: "agency", Name: a.Name}, nil
	}
	if l.userErr != nil {
		return ApplicantKind{}, l.userErr
	}
	return ApplicantKind{}, l.agencyErr
}

// NamedAs finds a user or agency whose name (not ID) is name, in the same
// listings as KindOf; ok is false when none is, or a listing may not be read.
func (c *Client) NamedAs(ctx context.Context, name string, read Read) (id string, kind string, ok bool) {
	l := c.listings(ctx, read)
	for _, u := range l.users {
		if u.Name == name {
			return u.ID, "user", true
		}
	}
	for _, a := range l.agencies {
		if a.Name == name {
			return a.ID, "agency", true
		}
	}
	return "", "", false
}

// iamListings are the account's user and agency listings, by ID.
type iamListings struct {
	users              map[string]User
	agencies           map[string]Agency
	userErr, agencyErr error
}

// listings reads both listings at the same time: one round trip, not two, on
// the way of every plan that names an other_id.
func (c *Client) listings(ctx context.Context, read Read) iamListings {
	var (
		l  iamListings
		wg sync.WaitGroup
	)
	wg.Go(func() { l.users, l.userErr = c.users.listing(ctx, read) })
	wg.Go(func() { l.agencies, l.agencyErr = c.agencies.listing(ctx, read) })
	wg.Wait()
	return l
}
