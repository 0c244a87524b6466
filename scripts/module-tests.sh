#!/usr/bin/env bash
# make test-modules: the modules' own tests (examples/modules/*/tests/*.tftest.hcl) with
# `terraform test` and `tofu test`, against the standalone mock cloud serving
# examples/mockcloud/modules.yaml.
#
#   scripts/module-tests.sh CLI...    each CLI is a path to terraform (1.6+) or tofu
#
# The provider is a local build that the CLI finds through dev_overrides, so neither
# init nor any registry is needed. Each module is copied to a scratch directory first:
# nothing is written into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 CLI..." >&2; exit 2; }

work=$(mktemp -d)
mock=
cleanup() {
  if [ -n "$mock" ]; then kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/bin/terraform-provider-cce" .
go build -o "$work/cce-mockcloud" ./internal/mockcloud/cmd/cce-mockcloud

# shellcheck source=scripts/mock.sh
source scripts/mock.sh
start_mock "$work/cce-mockcloud" "$work/mock" "$work/mock.log" -scenario examples/mockcloud/modules.yaml

cat >"$work/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "cceops/cce" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/dev.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

failed=0
for cli in "$@"; do
  name=$("$cli" version | sed -n 1p)
  for tests in examples/modules/*/tests; do
    module=$(dirname "$tests")
    copy=$work/run/$(basename "$cli")/$(basename "$module")
    mkdir -p "$(dirname "$copy")" && cp -r "$module" "$copy"
    # The mock's other regions: the region_endpoints block its summary prints, in a provider
    # block of the copy (the environment gives only the provider's own region's endpoints).
    { echo 'provider "cce" {'; sed -n '/^#   region_endpoints = {/,/^#   }/s/^#   /  /p' "$work/mock.out"; echo '}'; } >"$copy/mock_regions.tf"
    echo "== $name: $module"
    # The runs' warnings (revocations cannot be undone) are printed only on failure.
    if out=$("$cli" -chdir="$copy" test -no-color 2>&1); then
      grep -E '^ *run "|^Success' <<<"$out"
    else
      echo "$out"
      echo "FAILED: $name test in $module" >&2
      failed=1
    fi
  done
done
if [ "$failed" -ne 0 ]; then
  echo "== what the mock cloud saw" >&2
  cat "$work/mock.log" >&2
  exit 1
fi
echo "module tests passed on: $(for cli in "$@"; do "$cli" version | sed -n 1p; done | paste -sd, -)"
