package cce

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func errResp(status int, body string, hdr map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range hdr {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func TestParseAPIErrorEnvelopes(t *testing.T) {
	cases := []struct {
		name                   string
		status                 int
		body                   string
		hdr                    map[string]string
		code, msg, reqID, text string
	}{
		{
			name: "cce double code", status: 404,
			body: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":404,"errorCode":"CCE.01404001","errorMessage":"Resource not found.","error_code":"CCE_CM.0404","error_msg":"not found","message":"Resource not found."}`,
			hdr:  map[string]string{"X-Request-Id": "3f2a"},
			code: "CCE.01404001", msg: "Resource not found.", reqID: "3f2a",
			text: "CCE get cluster: HTTP 404 CCE.01404001: Resource not found. (request ID 3f2a)",
		},
		{
			name: "cce double code with detail", status: 400,
			body: `{"kind":"Status","code":400,"errorCode":"CCE.01400001","errorMessage":"Invalid request.","error_code":"CCE_CM.0004","error_msg":"Request is invalid","message":"cluster phase is Hibernation"}`,
			code: "CCE.01400001", msg: "Invalid request: cluster phase is Hibernation",
		},
		{
			name: "cce snake only", status: 400,
			body: `{"error_code":"CCE_CM.0004","error_msg":"Request is invalid"}`,
			code: "CCE_CM.0004", msg: "Request is invalid",
		},
		{
			name: "cce code/message only", status: 409,
			body: `{"code":409,"message":"conflict"}`,
			code: "409", msg: "conflict",
		},
		{
			name: "apigw", status: 401,
			body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail","request_id":"body-id"}`,
			code: "APIGW.0301", msg: "Incorrect IAM authentication information: verify aksk signature fail", reqID: "body-id",
		},
		{
			name: "header id beats body id", status: 401,
			body: `{"error_code":"APIGW.0301","error_msg":"x","request_id":"body-id"}`,
			hdr:  map[string]string{"X-Request-Id": "hdr-id"},
			code: "APIGW.0301", msg: "x", reqID: "hdr-id",
		},
		{
			name: "iam keystone", status: 403,
			body: `{"error":{"code":403,"title":"Forbidden","message":"You are not authorized to perform the requested action: identity:list_users"}}`,
			code: "403", msg: "You are not authorized to perform the requested action: identity:list_users",
		},
		{
			name: "iam keystone no code", status: 403,
			body: `{"error":{"title":"Forbidden","message":"nope"}}`,
			code: "Forbidden", msg: "nope",
		},
		{
			name: "cts", status: 403,
			body: `{"error_code":"CTS.0013","error_msg":"no permission"}`,
			code: "CTS.0013", msg: "no permission",
		},
		{name: "html", status: 502, body: `<html>bad gateway</html>`, msg: "Bad Gateway"},
		{name: "empty", status: 500, body: ``, msg: "Internal Server Error"},
	}
	for _, tc := range cases {
		ae := parseAPIError(errResp(tc.status, tc.body, tc.hdr), "CCE", "get cluster")
		if ae.StatusCode != tc.status || ae.Code != tc.code || ae.Message != tc.msg || ae.RequestID != tc.reqID {
			t.Errorf("%s: got %+v", tc.name, *ae)
		}
		if tc.text != "" {
			check(t, tc.name, ae.Error(), tc.text)
		}
	}
}

func TestErrorPredicates(t *testing.T) {
	nf := &APIError{StatusCode: 404, Code: "CCE.01404001"}
	wrapped := fmt.Errorf("outer: %w", nf)
	if !IsNotFound(wrapped) || IsForbidden(wrapped) || IsUnauthorized(wrapped) {
		t.Error("404 predicates")
	}
	if ae, ok := AsAPIError(wrapped); !ok || ae != nf {
		t.Error("AsAPIError")
	}
	if IsNotFound(&APIError{StatusCode: 404, Code: "APIGW.0101"}) || IsNotFound(&APIError{StatusCode: 404, Code: "APIG.0101"}) {
		t.Error("gateway 404 must not be a not-found")
	}
	if !IsForbidden(&APIError{StatusCode: 403}) || !IsUnauthorized(&APIError{StatusCode: 401}) {
		t.Error("403/401")
	}
	if IsNotFound(fmt.Errorf("plain")) || IsNotFound(nil) {
		t.Error("non-API errors")
	}
	if !IsNotFound(notFoundError(ServiceCCE, "lookup cluster", "x")) {
		t.Error("local not found")
	}
	check(t, "no code", (&APIError{StatusCode: 502, Message: "Bad Gateway", Service: "CTS", Operation: "list traces"}).Error(),
		"CTS list traces: HTTP 502: Bad Gateway")
}

func TestFlexString(t *testing.T) {
	for in, want := range map[string]string{`"200"`: "200", `200`: "200", `null`: "", `true`: "true", `{"a":1}`: ""} {
		var f flexString
		if err := f.UnmarshalJSON([]byte(in)); err != nil || string(f) != want {
			t.Errorf("%s: %q %v", in, f, err)
		}
	}
}
