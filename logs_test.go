package main

import "testing"

func TestLogsAsked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		environ []string
		want    bool
	}{
		{name: "nothing", environ: []string{"PATH=/bin", "HOME=/root", "TF_IN_AUTOMATION=1"}},
		{name: "a look-alike", environ: []string{"MY_TF_LOG=DEBUG"}},
		{name: "TF_LOG", environ: []string{"TF_LOG=DEBUG"}, want: true},
		{name: "TF_LOG empty", environ: []string{"TF_LOG="}, want: true},
		{name: "TF_LOG_PROVIDER", environ: []string{"PATH=/bin", "TF_LOG_PROVIDER=TRACE"}, want: true},
		{name: "TF_LOG_CORE", environ: []string{"TF_LOG_CORE=TRACE"}, want: true},
		{name: "TF_LOG_PATH", environ: []string{"TF_LOG_PATH=/tmp/tf.log"}, want: true},
		{name: "TF_LOG_SDK_FRAMEWORK", environ: []string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, want: true},
		{name: "TF_LOG_PROVIDER_CCE", environ: []string{"TF_LOG_PROVIDER_CCE=DEBUG"}, want: true},
		{name: "TF_ACC_LOG_PATH", environ: []string{"TF_ACC_LOG_PATH=/tmp/acc.log"}, want: true},
	} {
		if got := logsAsked(tc.environ); got != tc.want {
			t.Errorf("%s: logsAsked(%q) = %t, want %t", tc.name, tc.environ, got, tc.want)
		}
	}
}
