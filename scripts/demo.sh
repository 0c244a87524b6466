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

say "Starting the mock cloud (IAM + CCE + CTS on one HTTPS port)"
"$demo/cce-mockcloud" -dir "$demo/mock" 2>"$demo/mock.log" &
mock=$!
trap 'kill $mock 2>/dev/null || true; wait $mock 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -f "$demo/mock/ready" ] && break
  kill -0 $mock 2>/dev/null || { cat "$demo/mock.log" >&2; exit 1; }
  sleep 0.1
done
[ -f "$demo/mock/ready" ] || { echo "the mock cloud did not start" >&2; exit 1; }
# shellcheck disable=SC1091
source "$demo/mock/env.sh"

cat > "$demo/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "cceops/cce" = "$demo/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$demo/dev.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

cp -r examples/quickstart "$demo/quickstart"
say "$("$cli" version | head -1): apply examples/quickstart"
set +e
"$cli" -chdir="$demo/quickstart" apply -auto-approve -input=false
status=$?
set -e
say "What the mock cloud saw"
cat "$demo/mock.log"
exit "$status"
