package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"sigs.k8s.io/yaml"

	"github.com/cceops/terraform-provider-cce/internal/cce"
	"github.com/cceops/terraform-provider-cce/internal/certid"
)

// This file holds what the cce_cluster_credential resource and ephemeral
// resource share: the request rules and the decoding of an issued credential.

// Limits of a clustercert request (cce-api.md §4).
const (
	maxCredentialDays  = 1827
	minCredentialAhead = 15 * time.Minute
	maxCredentialAhead = 5 * 365 * 24 * time.Hour
)

// credentialRequest is the part of the configuration that asks for a
// credential, shared by the resource and the ephemeral resource (embedded in
// both models).
type credentialRequest struct {
	ClusterID    types.String `tfsdk:"cluster_id"`
	DurationDays types.Int64  `tfsdk:"duration_days"`
	ExpireAt     types.String `tfsdk:"expire_at"`
	Region       types.String `tfsdk:"region"`
	ProjectID    types.String `tfsdk:"project_id"`
}

// durationDaysDescription documents duration_days in both schemas.
var durationDaysDescription = fmt.Sprintf("Lifetime in days, 1 to %d, or -1 for the longest CCE allows. Exactly "+
	"one of `duration_days` and `expire_at` must be set.", maxCredentialDays)

// validate requires exactly one of duration_days and expire_at.
func (r credentialRequest) validate(diags *diag.Diagnostics) {
	if r.DurationDays.IsUnknown() || r.ExpireAt.IsUnknown() {
		return
	}
	switch {
	case r.DurationDays.IsNull() && r.ExpireAt.IsNull():
		diags.AddAttributeError(path.Root("duration_days"), "How long should the credential live?",
			fmt.Sprintf("Set exactly one of duration_days (1 to %d days, or -1 for the maximum) and expire_at (an "+
				"RFC 3339 time 15 minutes to 5 years ahead).", maxCredentialDays))
	case !r.DurationDays.IsNull() && !r.ExpireAt.IsNull():
		diags.AddAttributeError(path.Root("expire_at"), "Both duration_days and expire_at are set",
			"A credential has one lifetime: keep duration_days or expire_at, not both.")
	}
}

// validateRotation rejects a rotate_before that is not shorter than a lifetime
// in days: every plan would then replace the credential.
func validateRotation(days types.Int64, rotateBefore types.String, diags *diag.Diagnostics) {
	if days.IsNull() || days.IsUnknown() || rotateBefore.IsNull() || rotateBefore.IsUnknown() || days.ValueInt64() < 1 {
		return
	}
	before, err := time.ParseDuration(rotateBefore.ValueString())
	if err == nil && before >= time.Duration(days.ValueInt64())*24*time.Hour {
		diags.AddAttributeError(path.Root("rotate_before"), "rotate_before is not shorter than the lifetime",
			fmt.Sprintf("rotate_before = %q but duration_days = %d (%d day(s)): a fresh credential would already be due, so "+
				"every plan would replace it. Use a rotate_before shorter than the lifetime, e.g. a quarter of it.",
				rotateBefore.ValueString(), days.ValueInt64(), days.ValueInt64()))
	}
}

// api turns the request into the client's form.
func (r credentialRequest) api() cce.ClusterCertRequest {
	if !r.ExpireAt.IsNull() {
		t, _ := time.Parse(time.RFC3339, r.ExpireAt.ValueString()) // validated at plan
		return cce.ClusterCertRequest{ExpireAt: t}
	}
	return cce.ClusterCertRequest{Duration: int(r.DurationDays.ValueInt64())}
}

// credentialOutputs are the attributes an issued credential fills, shared by
// the resource and the ephemeral resource (embedded in both models).
type credentialOutputs struct {
	KubeconfigRaw        types.String `tfsdk:"kubeconfig_raw"`
	ClientCertificate    types.String `tfsdk:"client_certificate"`
	ClientKey            types.String `tfsdk:"client_key"`
	ClusterCACertificate types.String `tfsdk:"cluster_ca_certificate"`
	InternalEndpoint     types.String `tfsdk:"internal_endpoint"`
	ExternalEndpoint     types.String `tfsdk:"external_endpoint"`
	CurrentContext       types.String `tfsdk:"current_context"`
	ExpiresAt            types.String `tfsdk:"expires_at"`
	ApplicantID          types.String `tfsdk:"applicant_id"`
	SerialNumber         types.String `tfsdk:"serial_number"`
}

// credentialOutput describes one output attribute for both schemas.
type credentialOutput struct {
	description string
	sensitive   bool
}

var credentialOutputAttrs = map[string]credentialOutput{
	"kubeconfig_raw":         {"The kubeconfig as YAML, ready for `kubectl --kubeconfig`. Sensitive: it holds the private key.", true},
	"client_certificate":     {"The client certificate (PEM).", false},
	"client_key":             {"The client private key (PEM). Sensitive.", true},
	"cluster_ca_certificate": {"The cluster's CA certificate (PEM), for the internal endpoint.", false},
	"internal_endpoint":      {"API server URL inside the VPC.", false},
	"external_endpoint":      {"API server URL through the cluster's EIP; empty without one.", false},
	"current_context":        {"The kubeconfig's current context: `external` with an EIP, else `internal`.", false},
	"expires_at":             {"When the certificate expires (RFC 3339, UTC).", false},
	"applicant_id":           {"The certificate's CN: the IAM user ID it was issued to, which `cce_credential_revocation` revokes.", false},
	"serial_number":          {"The certificate's serial number (hex).", false},
}

// set fills the outputs from an issued credential.
func (o *credentialOutputs) set(c *issuedCredential) {
	o.KubeconfigRaw = types.StringValue(c.kubeconfigYAML)
	o.ClientCertificate = types.StringValue(c.clientCertificate)
	o.ClientKey = types.StringValue(c.clientKey)
	o.ClusterCACertificate = types.StringValue(c.clusterCA)
	o.InternalEndpoint = types.StringValue(c.internalEndpoint)
	o.ExternalEndpoint = types.StringValue(c.externalEndpoint)
	o.CurrentContext = types.StringValue(c.currentContext)
	o.ExpiresAt = types.StringValue(c.expiresAt.Format(time.RFC3339))
	o.ApplicantID = types.StringValue(c.applicantID)
	o.SerialNumber = types.StringValue(c.serialNumber)
}

// issuedCredential is a decoded clustercert answer.
type issuedCredential struct {
	kubeconfigYAML    string
	clientCertificate string
	clientKey         string
	clusterCA         string
	internalEndpoint  string
	externalEndpoint  string
	currentContext    string
	expiresAt         time.Time
	applicantID       string
	serialNumber      string
}

// issueOnceNote says how the request that issues a certificate is retried.
const issueOnceNote = "Every request for a credential makes CCE issue a new certificate, so the provider sends it " +
	"again only when it cannot have reached CCE (the connection or the TLS handshake failed), never after an " +
	"answer or a lost one. After a lost answer or a 5xx it stops with *Credential outcome unknown*: a " +
	"certificate may have been issued that nobody received, valid until it expires. Run again to get a credential."

// issueCredential asks CCE for a credential and decodes it. Error details
// never include the credential.
func issueCredential(ctx context.Context, client *cce.Client, r credentialRequest, diags *diag.Diagnostics) *issuedCredential {
	here, ok := locate(ctx, client, r.Region, r.ProjectID, path.Empty(), diags)
	if !ok {
		return nil
	}
	client = here.client
	clusterID := r.ClusterID.ValueString()
	cert, err := client.CreateClusterCert(ctx, clusterID, r.api())
	if err != nil {
		at := path.Root("cluster_id")
		summary := "Cannot issue a credential"
		if cce.IsNotFound(err) {
			summary = "Cluster not found"
		}
		if cce.MayHaveActed(err) {
			diags.AddAttributeError(at, "Credential outcome unknown", apiErrorDetail(err, fmt.Sprintf(
				"The request for a kubeconfig for cluster %s was sent, but its answer was lost or was a server "+
					"error, so CCE may have issued a certificate that nobody received; it stays valid until it "+
					"expires. The provider does not send this request twice, because each one issues a new "+
					"certificate. Run again to get a credential; to void a certificate that may exist, revoke "+
					"the caller's certificates on the cluster (cce_credential_revocation).", clusterID)))
			return nil
		}
		diags.AddAttributeError(at, summary, apiErrorDetail(err, fmt.Sprintf(
			"CCE did not issue a kubeconfig for cluster %s.", clusterID)+ifForbidden(err,
			"The caller needs the cce:cluster:generateClientCredential permission, and the cluster must be Available.")))
		return nil
	}
	kc, err := cce.ParseKubeconfig(cert.Kubeconfig)
	if err != nil {
		diags.AddError("Unexpected credential", err.Error()+". This is a bug in the provider or a change of the API; please report it.")
		return nil
	}
	leaf, err := certid.FirstCertificate(kc.ClientCertificatePEM)
	if err != nil {
		diags.AddError("Unexpected credential", "The client certificate CCE issued cannot be read: "+err.Error()+".")
		return nil
	}
	rawYAML, err := yaml.JSONToYAML(cert.Kubeconfig)
	if err != nil {
		diags.AddError("Unexpected credential", "The issued kubeconfig cannot be converted to YAML.")
		return nil
	}
	return &issuedCredential{
		kubeconfigYAML:    string(rawYAML),
		clientCertificate: string(kc.ClientCertificatePEM),
		clientKey:         string(kc.ClientKeyPEM),
		clusterCA:         string(kc.CACertificatePEM),
		internalEndpoint:  kc.InternalServer,
		externalEndpoint:  kc.ExternalServer,
		currentContext:    kc.CurrentContext,
		expiresAt:         leaf.NotAfter.UTC(),
		applicantID:       leaf.Subject.CommonName,
		serialNumber:      leaf.SerialNumber.Text(16),
	}
}

// credentialDays accepts 1..1827 or -1.
type credentialDays struct{}

func (credentialDays) Description(context.Context) string {
	return fmt.Sprintf("value must be from 1 to %d days, or -1 for the longest lifetime CCE allows", maxCredentialDays)
}

func (v credentialDays) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v credentialDays) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d := req.ConfigValue.ValueInt64(); d != -1 && (d < 1 || d > maxCredentialDays) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid lifetime",
			fmt.Sprintf("duration_days = %d: %s.", d, v.Description(ctx)))
	}
}

// rfc3339Time accepts an RFC 3339 time. How far ahead it lies is checked
// when a credential is issued (checkExpiryWindow), not on every plan, so an
// existing credential's configuration does not turn invalid as time passes.
const rfc3339Rule = "value must be an RFC 3339 time such as 2027-01-31T00:00:00Z"

var rfc3339Time = stringRule{rfc3339Rule,
	func(_ context.Context, req validator.StringRequest, raw string, diags *diag.Diagnostics) {
		if !isRFC3339(raw) {
			diags.AddAttributeError(req.Path, "Invalid time",
				fmt.Sprintf("%s = %s is not an RFC 3339 time: %s. Write a fixed time, or use duration_days with "+
					"rotate_before to renew ahead of expiry; a time computed from timestamp() changes on every run and "+
					"would issue a new credential each time.", req.Path, quote(raw), rfc3339Rule))
		}
	},
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// checkExpiryWindow applies CCE's rule that expire_at lies 15 minutes to 5
// years ahead, at the moment a credential is about to be issued.
func (r credentialRequest) checkExpiryWindow(diags *diag.Diagnostics) {
	if r.ExpireAt.IsNull() || r.ExpireAt.IsUnknown() {
		return
	}
	t, err := time.Parse(time.RFC3339, r.ExpireAt.ValueString())
	if err != nil {
		return // rfc3339Time reports it
	}
	if ahead := time.Until(t); ahead < minCredentialAhead || ahead > maxCredentialAhead {
		diags.AddAttributeError(path.Root("expire_at"), "Expiry out of range",
			fmt.Sprintf("expire_at = %q is %s from now, but CCE issues credentials that expire between 15 minutes "+
				"and 5 years from now. Pick a time in that window, or use duration_days.",
				r.ExpireAt.ValueString(), ahead.Round(time.Minute)))
	}
}
