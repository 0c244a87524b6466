package world

import (
	"slices"
	"strings"
	"time"
)

// AddUser stores u as created at created (a replaced user keeps its
// creation time); the caller holds Mu.
func (a *Account) AddUser(u User, created time.Time) {
	u.Groups = slices.Clone(u.Groups)
	for _, g := range u.Groups {
		if _, ok := a.Groups[g]; !ok {
			a.Groups[g] = RandomHex(16)
		}
	}
	if old, ok := a.Users[u.ID]; ok {
		created = old.Created
	}
	a.Users[u.ID] = &UserRec{User: u, Created: created}
}

// AddAgency stores ag as created at created; the caller holds Mu.
func (a *Account) AddAgency(ag Agency, created time.Time) {
	a.Agencies[ag.ID] = &AgencyRec{Agency: ag, Created: created}
}

// AddTrace stores t, filling its defaults; the caller holds Mu.
func (a *Account) AddTrace(t Trace) {
	if t.ID == "" {
		t.ID = RandomUUID()
	}
	if t.ServiceType == "" {
		t.ServiceType = "IAM"
	}
	if t.TraceType == "" {
		t.TraceType = "ApiCall"
	}
	if t.Code == "" {
		t.Code = "200"
	}
	if t.Rating == "" {
		t.Rating = "normal"
	}
	a.Traces = append(a.Traces, &TraceRec{Trace: t, Recorded: t.Time.Add(2 * time.Second), RequestID: RandomHex(16)})
}

// UserByName finds a user by name; the caller holds Mu.
func (a *Account) UserByName(name string) *UserRec {
	for _, u := range a.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// UserByAccessKey finds the user of a permanent access key; the caller holds Mu.
func (a *Account) UserByAccessKey(ak string) *UserRec {
	for _, u := range a.Users {
		if u.AccessKey != "" && u.AccessKey == ak {
			return u
		}
	}
	return nil
}

// AgencyByName finds an agency by name; the caller holds Mu.
func (a *Account) AgencyByName(name string) *AgencyRec {
	for _, ag := range a.Agencies {
		if ag.Name == name {
			return ag
		}
	}
	return nil
}

// NameOf returns the name of a user, or "" when unknown; the caller holds Mu.
func (a *Account) NameOf(userID string) string {
	if u, ok := a.Users[userID]; ok {
		return u.Name
	}
	return ""
}

// IsAdmin reports whether the subject may do everything: a member of group
// "admin", the account itself (user name == domain name), or a session of an
// agency whose policies allow it (Agency.Admin). The caller holds Mu.
func (a *Account) IsAdmin(subject string) bool {
	if u, ok := a.Users[subject]; ok {
		return u.Name == DomainName || slices.Contains(u.Groups, AdminGroupName)
	}
	ag, ok := a.Agencies[subject]
	return ok && ag.Admin
}

// CanReadIAM reports whether the user may read and list IAM users, groups
// and agencies: an admin, or a member of group "iam-readonly" or
// "readonly". IAM readers get no other admin right (no CTS traces, no
// revoking others' credentials). The caller holds Mu.
func (a *Account) CanReadIAM(userID string) bool {
	if a.IsAdmin(userID) || a.IsReadOnly(userID) {
		return true
	}
	u, ok := a.Users[userID]
	return ok && slices.Contains(u.Groups, IAMReadOnlyGroupName)
}

// IsReadOnly reports whether the user is a member of group "readonly": it
// reads what an admin reads and may change nothing. The caller holds Mu.
func (a *Account) IsReadOnly(userID string) bool {
	u, ok := a.Users[userID]
	return ok && slices.Contains(u.Groups, ReadOnlyGroupName)
}

// SortedUsers returns the users ordered by name; the caller holds Mu.
func (a *Account) SortedUsers() []*UserRec {
	out := make([]*UserRec, 0, len(a.Users))
	for _, u := range a.Users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y *UserRec) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// DeleteUser removes a user (its tokens and temporary keys die with it) as
// byUserID, and records the CTS deleteUser trace of the attempt. Like IAM, it
// fails for a caller who is no admin (code 403) and for an unknown user (404):
// nothing is deleted and the trace is rated "warning". It reports whether the
// user was deleted. It takes Mu.
func (a *Account) DeleteUser(id, byUserID string) bool {
	return a.deleteIdentity("deleteUser", "user", id, byUserID, func() (string, func()) {
		u, ok := a.Users[id]
		if !ok {
			return "", nil
		}
		return u.Name, func() { delete(a.Users, id) }
	}, func(tc *TempCred) bool { return tc.UserID == id })
}

// DeleteAgency is DeleteUser for an agency: its sessions end with it.
func (a *Account) DeleteAgency(id, byUserID string) bool {
	return a.deleteIdentity("deleteAgency", "agency", id, byUserID, func() (string, func()) {
		ag, ok := a.Agencies[id]
		if !ok {
			return "", nil
		}
		return ag.Name, func() { delete(a.Agencies, id) }
	}, func(tc *TempCred) bool {
		return tc.Session != nil && tc.Session.Kind == SessionAgency && tc.Session.ID == id
	})
}

// deleteIdentity is IAM's operation op on the resource id of type kind by
// byUserID. find gives the resource's name and what removes it (nil: there
// is none); dies tells the temporary keys that end with it. CTS records the
// attempt either way; a refused one with its code, rated "warning".
func (a *Account) deleteIdentity(op, kind, id, byUserID string, find func() (name string, remove func()), dies func(*TempCred) bool) bool {
	a.Mu.Lock()
	defer a.Mu.Unlock()
	name, remove := find()
	t := Trace{Name: op, ResourceType: kind, ResourceID: id, ResourceName: name, Time: a.now(),
		UserID: byUserID, UserName: a.NameOf(byUserID)}
	deleted := false
	switch {
	case !a.IsAdmin(byUserID):
		t.Code, t.Rating = "403", "warning"
	case remove == nil:
		t.Code, t.Rating = "404", "warning"
	default:
		deleted = true
		remove()
		for ak, tc := range a.TempCreds {
			if dies(tc) {
				delete(a.TempCreds, ak)
			}
		}
	}
	a.AddTrace(t)
	return deleted
}
