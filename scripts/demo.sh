#!/usr/bin/env bash
# make demo: build the provider, start the mock cloud, apply examples/quickstart
# against it with a real CLI through dev_overrides (no init, no registry).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
demo=$root/.demo
rm -rf "$demo" && mkdir -p "$demo/bin" "$demo/mock"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Terraform or OpenTofu from PATH, else the cached builds of scripts/tools.sh.
cli=$(command -v terraform || command -v tofu || true)
if [ -z "$cli" ]; then
  scripts/tools.sh
  cli=$(scripts/tools.sh path terraform)
fi

say "Building the provider and the mock cloud"
go build -o "$demo/bin/terraform-provider-cce" .
go build -o "$demo/cce-mockcloud" ./internal/mockcloud/cmd/cce-mockcloud

say "Starting the mock cloud (IAM, STS, and CCE and CTS per region, each on its own HTTPS port)"
mock=
trap '[ -z "$mock" ] || { kill $mock 2>/dev/null || true; wait $mock 2>/dev/null || true; }' EXIT
# shellcheck source=scripts/mock.sh
source scripts/mock.sh
start_mock "$demo/cce-mockcloud" "$demo/mock" "$demo/mock.log"
cat "$demo/mock.out" # who is who in the fake account, with the demo users' keys

cat > "$demo/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "cceops/cce" = "$demo/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$demo/dev.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

cp -r examples "$demo/examples"
# Each example calls its module from ./modules, where the README says to copy it.
mkdir -p "$demo/examples/rotation/modules" && cp -r examples/modules/rotation "$demo/examples/rotation/modules/"
tf() { "$cli" -chdir="$demo/examples/$1" "${@:2}"; }
k() { # kubectl against one kubeconfig, on the context that verifies the cluster CA
  HOME=$demo kubectl --kubeconfig "$1" --context internal --request-timeout 20s "${@:2}"
}
have_kubectl=$(command -v kubectl || true)

# Alice is a developer of the fake account; her demo keys are printed here on
# purpose: they open nothing but the mock.
as_alice() { HW_ACCESS_KEY=ALICEAKEXAMPLE000002 HW_SECRET_KEY=aliceSecretKey0002DoNotLog "$@"; }

say "1. Alice downloads her kubeconfig for the prod cluster ($(basename "$cli") apply examples/rotation)"
tf rotation get >/dev/null
as_alice tf rotation apply -auto-approve -input=false -no-color -var incident=initial >"$demo/rotation-1.log" 2>&1 ||
  { cat "$demo/rotation-1.log"; exit 1; }
tf rotation output -raw kubeconfig >"$demo/alice-1.yaml"
if [ -n "$have_kubectl" ]; then
  echo "\$ kubectl auth whoami   (with Alice's kubeconfig)"
  k "$demo/alice-1.yaml" auth whoami
else
  echo "(kubectl is not on PATH: skipping the kubectl steps)"
fi

say "2. The administrator offboards: who am I, who can be revoked, revoke a leaver and the deleted identities"
tf quickstart apply -auto-approve -input=false -compact-warnings

say "3. Alice's laptop is stolen: she rotates her own credential (incident INC-2041)"
as_alice tf rotation apply -auto-approve -input=false -no-color -var incident=INC-2041 >"$demo/rotation-2.log" 2>&1 ||
  { cat "$demo/rotation-2.log"; exit 1; }
grep -E '^(cce_|Apply complete)' "$demo/rotation-2.log" || true
tf rotation output -raw kubeconfig >"$demo/alice-2.yaml"
if [ -n "$have_kubectl" ]; then
  echo "\$ kubectl get --raw /version   (with the stolen kubeconfig)"
  k "$demo/alice-1.yaml" get --raw /version || echo "   -> refused, as it should be"
  echo "\$ kubectl auth whoami   (with the fresh kubeconfig)"
  k "$demo/alice-2.yaml" auth whoami
fi

say "What the mock cloud saw (one line per request)"
cat "$demo/mock.log"
