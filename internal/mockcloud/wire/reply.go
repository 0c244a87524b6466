package wire

import (
	"encoding/json"
	"net/http"
)

// CCE error codes used by the mock (cce-api.md section 7).
const (
	CodeInvalidRequest    = "CCE.01400001"
	CodeVersionNotSupport = "CCE.01400015"
	CodeUnauthorized      = "CCE.01401001"
	CodeForbidden         = "CCE.01403001"
	CodeNotFound          = "CCE.01404001"
	CodeInternal          = "CCE.01500001"
)

// API gateway error codes used by the mock.
const (
	CodeAPINotFound = "APIGW.0101"
	CodeAuthFailed  = "APIGW.0301"
)

// CTS error codes used by the mock. The code for invalid query parameters is
// UNCONFIRMED; "CTS.0300 Query failed." is the documented generic query error.
const (
	CodeCTSBadQuery  = "CTS.0300"
	CodeCTSForbidden = "CTS.0013"
)

// cceErrorInfo maps a CCE errorCode to its fixed errorMessage and the second
// (error_code, error_msg) pair; the second pair is UNCONFIRMED apart from the
// CCE_CM.0004 example of cce-api.md section 7.
var cceErrorInfo = map[string][3]string{
	CodeInvalidRequest:    {"Invalid request.", "CCE_CM.0004", "Request is invalid"},
	CodeVersionNotSupport: {"Version not supported.", "CCE_CM.0004", "version not supported"},
	CodeUnauthorized:      {"Authorization failed.", "CCE_CM.0001", "Authorization failed"},
	CodeForbidden:         {"Forbidden.", "CCE_CM.0003", "Forbidden"},
	CodeNotFound:          {"Resource not found.", "CCE_CM.0002", "Resource not found"},
	CodeInternal:          {"Internal error.", "CCE_CM.0005", "Internal error"},
}

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // The client may have gone; nothing useful to do with the error.
}

// APIGW writes an API gateway error body.
func APIGW(c *Call, status int, code, msg string) {
	JSON(c.W, status, map[string]string{"error_code": code, "error_msg": msg, "request_id": c.RequestID})
}

// AuthFailed writes the APIG 401 for a failed authentication.
func AuthFailed(c *Call, detail string) {
	APIGW(c, http.StatusUnauthorized, CodeAuthFailed, "Incorrect IAM authentication information: "+detail)
}

// NoRoute writes the APIG 404 for a path that matches no published API.
func NoRoute(c *Call) {
	APIGW(c, http.StatusNotFound, CodeAPINotFound, "The API does not exist or has not been published in the environment")
}

// CCEError writes the double-code CCE error envelope.
func CCEError(c *Call, status int, code, detail string) {
	info, ok := cceErrorInfo[code]
	if !ok {
		info = [3]string{"Error.", "CCE_CM.0000", "Error"}
	}
	JSON(c.W, status, map[string]any{
		"kind":         "Status",
		"apiVersion":   "v1",
		"metadata":     map[string]any{},
		"status":       "Failure",
		"code":         status,
		"message":      detail,
		"reason":       http.StatusText(status),
		"errorCode":    code,
		"errorMessage": info[0],
		"error_code":   info[1],
		"error_msg":    info[2],
	})
}

// Keystone writes an IAM (keystone style) error body.
func Keystone(c *Call, status int, msg string) {
	JSON(c.W, status, map[string]any{
		"error": map[string]any{"code": status, "title": http.StatusText(status), "message": msg},
	})
}

// IAMForbidden writes the keystone 403 naming the identity action that was denied.
func IAMForbidden(c *Call, action string) {
	Keystone(c, http.StatusForbidden, "You are not authorized to perform the requested action: identity:"+action+".")
}

// CTSError writes a CTS error body.
func CTSError(c *Call, status int, code, msg string) {
	JSON(c.W, status, map[string]string{"error_code": code, "error_msg": msg})
}

// kubeStatus is a Kubernetes Status object, in the API server's field order.
type kubeStatus struct {
	Kind       string         `json:"kind"`
	APIVersion string         `json:"apiVersion"`
	Metadata   map[string]any `json:"metadata"`
	Status     string         `json:"status"`
	Message    string         `json:"message"`
	Reason     string         `json:"reason"`
	Details    any            `json:"details,omitempty"` // Non-nil only for 404, as the API server does.
	Code       int            `json:"code"`
}

// KubeStatus writes a Failure Status.
func KubeStatus(w http.ResponseWriter, code int, reason, msg string) {
	KubeJSON(w, code, kubeStatus{Kind: "Status", APIVersion: "v1", Metadata: map[string]any{},
		Status: "Failure", Message: msg, Reason: reason, Code: code})
}

// KubeNotFound writes the API server's 404 Status.
func KubeNotFound(w http.ResponseWriter) {
	KubeJSON(w, http.StatusNotFound, kubeStatus{Kind: "Status", APIVersion: "v1", Metadata: map[string]any{},
		Status: "Failure", Message: "the server could not find the requested resource", Reason: "NotFound",
		Details: map[string]any{}, Code: http.StatusNotFound})
}

// KubeJSON writes v as JSON with the API server's plain content type.
func KubeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // Buffered by the gateway; cannot fail.
}
