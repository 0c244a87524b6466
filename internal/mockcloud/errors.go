package mockcloud

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

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // The client may have gone; nothing useful to do with the error.
}

// writeAPIGW writes an API gateway error body.
func writeAPIGW(rc *reqCtx, status int, code, msg string) {
	writeJSON(rc.w, status, map[string]string{"error_code": code, "error_msg": msg, "request_id": rc.reqID})
}

// writeAuthFailed writes the APIG 401 for a failed authentication.
func writeAuthFailed(rc *reqCtx, detail string) {
	writeAPIGW(rc, http.StatusUnauthorized, CodeAuthFailed, "Incorrect IAM authentication information: "+detail)
}

// writeNoRoute writes the APIG 404 for a path that matches no published API.
func writeNoRoute(rc *reqCtx) {
	writeAPIGW(rc, http.StatusNotFound, CodeAPINotFound, "The API does not exist or has not been published in the environment")
}

// writeCCE writes the double-code CCE error envelope.
func writeCCE(rc *reqCtx, status int, code, detail string) {
	info, ok := cceErrorInfo[code]
	if !ok {
		info = [3]string{"Error.", "CCE_CM.0000", "Error"}
	}
	writeJSON(rc.w, status, map[string]any{
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

// writeKeystone writes an IAM (keystone style) error body.
func writeKeystone(rc *reqCtx, status int, msg string) {
	writeJSON(rc.w, status, map[string]any{
		"error": map[string]any{"code": status, "title": http.StatusText(status), "message": msg},
	})
}

// writeIAMForbidden writes the keystone 403 naming the identity action that was denied.
func writeIAMForbidden(rc *reqCtx, action string) {
	writeKeystone(rc, http.StatusForbidden, "You are not authorized to perform the requested action: identity:"+action+".")
}

// writeCTS writes a CTS error body.
func writeCTS(rc *reqCtx, status int, code, msg string) {
	writeJSON(rc.w, status, map[string]string{"error_code": code, "error_msg": msg})
}
