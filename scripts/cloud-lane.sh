#!/usr/bin/env bash
# make cloud-lane (part of make test): the real-account lane against the standalone mock cloud, as if
# it were a real account. Nothing but environment variables connects the two, as on a real account:
#
#   1. make testacc-cloud, reads and writes (CCE_TEST_WRITE=1, Alice as the throwaway user), on one CLI;
#      every TestAccCloud_* test must pass, none may skip, and kubectl (when installed) must show the
#      revoked kubeconfig refused;
#   2. cce-probe -record: nothing refuted, and cce-probe -replay of that recording: no difference.
#
#   scripts/cloud-lane.sh CLI        CLI is a path to terraform or tofu
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: $0 CLI" >&2; exit 2; }
cli=$1

work=$(mktemp -d)
mock=
cleanup() {
  if [ -n "$mock" ]; then kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/cce-mockcloud" ./internal/mockcloud/cmd/cce-mockcloud
go build -o "$work/cce-probe" ./cmd/cce-probe
# shellcheck source=scripts/mock.sh
source scripts/mock.sh
start_mock "$work/cce-mockcloud" "$work/mock" "$work/mock.log"

# The account, as a maintainer would export it for a real one: env.sh holds region, project, endpoints,
# CA and the administrator's keys. The demo account's values below open nothing but the mock.
unset CCE_MOCKCLOUD_CONTROL_URL CCE_MOCKCLOUD_CONTROL_TOKEN # a real account has no control API
export CCE_TEST_CLUSTER_ID=c0000000-0000-4000-8000-000000000001 # the demo account's "prod"
export CCE_TEST_WRITE=1 CCE_TEST_USER_ACCESS_KEY=ALICEAKEXAMPLE000002 CCE_TEST_USER_SECRET_KEY=aliceSecretKey0002DoNotLog
export CCE_TEST_KUBE_CONTEXT=internal # the mock serves the API server on the internal endpoint only

echo "== make testacc-cloud on $("$cli" version | sed -n 1p), against the standalone mock"
status=0
make --no-print-directory testacc-cloud CLOUD_CLI="$cli" >"$work/testacc.log" 2>&1 || status=$?
grep -E '^(=== RUN|--- |    cloud_acc_test|ok|FAIL|PASS)' "$work/testacc.log" || true
if [ "$status" -ne 0 ]; then
  cat "$work/testacc.log"
  echo "FAILED: make testacc-cloud" >&2
  exit 1
fi
if grep -q -- '--- SKIP: TestAccCloud_' "$work/testacc.log"; then
  echo "FAILED: a real-account test skipped although every setting is given (see its message above)" >&2
  exit 1
fi
for t in reads readsDeleted planChecks selfRevocation; do
  grep -q -- "--- PASS: TestAccCloud_$t " "$work/testacc.log" || { echo "FAILED: TestAccCloud_$t did not pass" >&2; exit 1; }
done
if command -v kubectl >/dev/null && ! grep -q 'kubectl: old.yaml works; old.yaml refused after the revocation; fresh.yaml works' "$work/testacc.log"; then
  echo "FAILED: kubectl is installed, but the lane did not show the revoked kubeconfig refused" >&2
  exit 1
fi

# What the mock saw proves that nothing but the throwaway user's own credentials was written: every
# successful request other than a read or a sign-in is Alice's, to clustercert or clustercertrevoke.
alice=a11ce000000000000000000000000002
writes=$(awk '$2 != "GET" && $2 != "HEAD" && $4 ~ /^2/ && $3 != "/v3/auth/tokens"' "$work/mock.log")
others=$(awk -v alice=$alice '$5 != alice || $3 !~ /\/clustercert(revoke)?$/' <<<"$writes")
if [ -z "$writes" ] || [ -n "$others" ]; then
  printf 'FAILED: the lane wrote something besides the throwaway user'"'"'s own credentials:\n%s\n' "${others:-(no write at all)}" >&2
  exit 1
fi
echo "writes: $(wc -l <<<"$writes") (clustercert and clustercertrevoke by the throwaway user only)"

echo "== cce-probe against the standalone mock (access keys and the administrator's password)"
probe_env=(HW_USER_NAME=platform-admin HW_PASSWORD='Admin-Passw0rd!' HW_DOMAIN_NAME=acme-corp)
if ! env "${probe_env[@]}" "$work/cce-probe" -record "$work/recording" >"$work/probe.log" 2>&1; then
  cat "$work/probe.log"
  echo "FAILED: cce-probe refuted a guess of the mock against the mock itself, or could not run" >&2
  exit 1
fi
tail -n 3 "$work/probe.log"
if ! env "${probe_env[@]}" "$work/cce-probe" -replay "$work/recording" >"$work/replay.log" 2>&1; then
  cat "$work/replay.log"
  echo "FAILED: the recording does not replay against the mock" >&2
  exit 1
fi
tail -n 1 "$work/replay.log"
echo "cloud lane passed"
