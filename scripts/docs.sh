#!/usr/bin/env bash
# Generates or checks docs/ with tfplugindocs, offline.
#
# The provider schema is read with Terraform 1.16 through dev_overrides (no init,
# no registry): Terraform 1.5.7's schema output has no functions or ephemeral
# resources, and OpenTofu's has no actions, so tfplugindocs would drop their pages.
#
#   scripts/docs.sh generate   rewrite docs/
#   scripts/docs.sh check      generate into a scratch copy and fail on any difference
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-generate}
tools=scripts/tools.sh
terraform=$($tools path terraform-1.16)
tfplugindocs=$($tools path tfplugindocs)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bin/terraform-provider-cce" .
cat > "$work/dev.tfrc" <<RC
provider_installation {
  dev_overrides {
    "cceops/cce" = "$work/bin"
  }
  direct {}
}
RC
mkdir -p "$work/schema"
printf 'terraform {\n  required_providers {\n    cce = { source = "cceops/cce" }\n  }\n}\n' > "$work/schema/main.tf"
if ! (cd "$work/schema" && TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1 "$terraform" providers schema -json \
  >"$work/raw.json" 2>"$work/schema.err"); then
  cat "$work/schema.err" >&2
  exit 1
fi
go run ./scripts/schemakey cce <"$work/raw.json" >"$work/schema.json"

generate() { # $1 = directory holding the repository's docs inputs
  local step
  for step in generate validate; do
    if ! (cd "$1" && "$tfplugindocs" "$step" --provider-name cce --providers-schema "$work/schema.json") \
      >"$work/$step.log" 2>&1; then
      grep -v '\[DEBUG\]' "$work/$step.log" >&2
      echo "tfplugindocs $step failed" >&2
      exit 1
    fi
  done
}

case "$mode" in
  generate)
    generate .
    echo "docs/ regenerated"
    ;;
  check)
    mkdir -p "$work/tree"
    cp -r templates examples "$work/tree/"
    [ -d docs ] && cp -r docs "$work/tree/"
    generate "$work/tree"
    if ! diff -ru docs "$work/tree/docs"; then
      echo "docs/ is stale: run 'make generate' and commit the result." >&2
      exit 1
    fi
    echo "docs/ is up to date"
    ;;
  *) echo "usage: $0 generate|check" >&2; exit 2 ;;
esac
