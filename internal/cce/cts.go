package cce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Trace is one CTS trace (fields used to find deleted users/agencies).
type Trace struct {
	ID, Name, ResourceType, ResourceID, ResourceName string
	Time                                             time.Time
	UserID, UserName                                 string
	// Code is the HTTP status of the traced call, Rating the trace_rating
	// (normal, warning or incident); either may be empty.
	Code, Rating string
}

// Succeeded reports whether the traced call did what it was asked: its
// code is 2xx, or, without a code, it is not rated warning or incident. A
// failed deleteUser deleted nothing.
func (t Trace) Succeeded() bool {
	if t.Code != "" {
		return len(t.Code) == 3 && t.Code[0] == '2'
	}
	return t.Rating == "" || t.Rating == "normal"
}

// TraceQuery selects IAM system traces. Limit is the page size (1-200;
// 0 leaves the server default).
type TraceQuery struct {
	ResourceType, TraceName string
	From, To                time.Time
	Limit                   int
}

type traceJSON struct {
	TraceID      string     `json:"trace_id"`
	TraceName    string     `json:"trace_name"`
	ResourceType string     `json:"resource_type"`
	ResourceID   string     `json:"resource_id"`
	ResourceName string     `json:"resource_name"`
	Time         flexString `json:"time"`
	Code         flexString `json:"code"` // string in the table, number in the example.
	TraceRating  string     `json:"trace_rating"`
	User         struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
}

type tracePage struct {
	MetaData struct {
		Count  int     `json:"count"`
		Marker *string `json:"marker"`
	} `json:"meta_data"`
	Traces []traceJSON `json:"traces"`
}

// ListTraces lists IAM system traces, following meta_data.marker (sent as
// "next") until it is null or empty.
func (c *Client) ListTraces(ctx context.Context, q TraceQuery) ([]Trace, error) {
	const op = "list traces"
	path, pid, err := c.projectPath(ctx, pathTraces)
	if err != nil {
		return nil, err
	}
	params := url.Values{"trace_type": {"system"}, "service_type": {"IAM"}}
	if q.ResourceType != "" {
		params.Set("resource_type", q.ResourceType)
	}
	if q.TraceName != "" {
		params.Set("trace_name", q.TraceName)
	}
	if !q.From.IsZero() {
		params.Set("from", strconv.FormatInt(q.From.UnixMilli(), 10))
	}
	if !q.To.IsZero() {
		params.Set("to", strconv.FormatInt(q.To.UnixMilli(), 10))
	}
	if q.Limit > 0 {
		limit := q.Limit
		if limit > ctsMaxPageSize {
			limit = ctsMaxPageSize
		}
		params.Set("limit", strconv.Itoa(limit))
	}
	var out []Trace
	seen := map[string]bool{}
	for page := 0; page < ctsMaxPages; page++ {
		var p tracePage
		if err := c.getJSON(ctx, call{service: ServiceCTS, op: op, method: http.MethodGet, base: c.loc.ctsURL,
			path: path, query: params, header: projectHeader(pid)}, &p); err != nil {
			return nil, err
		}
		for _, t := range p.Traces {
			out = append(out, t.trace())
		}
		if p.MetaData.Marker == nil || *p.MetaData.Marker == "" {
			return out, nil
		}
		m := *p.MetaData.Marker
		if seen[m] {
			return nil, opError(ServiceCTS, op, fmt.Errorf("paging marker %q repeated", m))
		}
		seen[m] = true
		params.Set("next", m) // do encoded the query already: params can change for the next page.
	}
	return nil, opError(ServiceCTS, op, fmt.Errorf("more than %d pages", ctsMaxPages))
}

func (t traceJSON) trace() Trace {
	out := Trace{ID: t.TraceID, Name: t.TraceName, ResourceType: t.ResourceType, ResourceID: t.ResourceID,
		ResourceName: t.ResourceName, UserID: t.User.ID, UserName: t.User.Name, Code: string(t.Code), Rating: t.TraceRating}
	if ms, err := strconv.ParseInt(string(t.Time), 10, 64); err == nil {
		out.Time = time.UnixMilli(ms).UTC()
	}
	return out
}

// compile-time check that flexString decodes as a json.Unmarshaler.
var _ json.Unmarshaler = (*flexString)(nil)
