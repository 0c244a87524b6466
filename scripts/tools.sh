#!/usr/bin/env bash
# Builds the CLIs and tools the project needs into a cache outside the repository,
# keyed by tool and version. Nothing is downloaded from a Terraform registry or
# release site: everything is built from the Go module proxy.
#
#   scripts/tools.sh            build whatever is missing, print nothing else
#   scripts/tools.sh path NAME  print the absolute path of NAME
#                               (terraform|terraform-1.16|tofu|tfplugindocs|golangci-lint|goreleaser)
set -euo pipefail

TERRAFORM_VERSION=1.5.7
TERRAFORM_116_VERSION=1.16.4
TOFU_VERSION=1.12.6
TFPLUGINDOCS_VERSION=0.25.0
GOLANGCI_LINT_VERSION=2.15.0
GORELEASER_VERSION=2.15.1
# The hcl fork OpenTofu 1.12 pins through a replace directive in its go.mod
# (go mod download -json github.com/opentofu/opentofu@v$TOFU_VERSION names the file).
TOFU_HCL_REPLACE='github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828'

CACHE=${CCE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-cce/tools}

path_of() {
  case "$1" in
    terraform) echo "$CACHE/terraform/$TERRAFORM_VERSION/terraform" ;;
    terraform-1.16) echo "$CACHE/terraform/$TERRAFORM_116_VERSION/terraform" ;;
    tofu) echo "$CACHE/tofu/$TOFU_VERSION/tofu" ;;
    tfplugindocs) echo "$CACHE/tfplugindocs/$TFPLUGINDOCS_VERSION/tfplugindocs" ;;
    golangci-lint) echo "$CACHE/golangci-lint/$GOLANGCI_LINT_VERSION/golangci-lint" ;;
    goreleaser) echo "$CACHE/goreleaser/$GORELEASER_VERSION/goreleaser" ;;
    *) echo "unknown tool $1" >&2; exit 2 ;;
  esac
}

if [ "${1:-}" = path ]; then path_of "$2"; exit 0; fi

# go install into a temporary GOBIN, then move into place, so an interrupted build
# never leaves a half-written binary behind that a later run would trust.
go_install() { # $1 = tool name, $2 = package@version
  local dest tmp start
  dest=$(path_of "$1")
  [ -x "$dest" ] && return 0
  start=$(date +%s)
  echo "tools: building $1 ($2) into $(dirname "$dest") ..." >&2
  tmp=$(mktemp -d)
  GOBIN=$tmp GOFLAGS=-mod=mod go install "$2"
  mkdir -p "$(dirname "$dest")" && mv "$tmp/$(basename "$dest")" "$dest" && rm -rf "$tmp"
  echo "tools: $1 ready after $(( $(date +%s) - start ))s" >&2
}

build_tofu() {
  local dest tmp start
  dest=$(path_of tofu)
  [ -x "$dest" ] && return 0
  start=$(date +%s)
  echo "tools: building OpenTofu $TOFU_VERSION into $(dirname "$dest") (6-15 min on 2 cores) ..." >&2
  tmp=$(mktemp -d)
  cat > "$tmp/go.mod" <<MOD
module example.com/tofuwrap

go 1.26

require github.com/opentofu/opentofu v$TOFU_VERSION

replace $TOFU_HCL_REPLACE
MOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/opentofu/opentofu/cmd/tofu"\n' > "$tmp/tools.go"
  # version.dev=no: otherwise the binary calls itself v$TOFU_VERSION-dev, which sorts
  # before the release and upsets version checks in tests.
  (cd "$tmp" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 &&
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
      -o "$tmp/tofu" github.com/opentofu/opentofu/cmd/tofu)
  mkdir -p "$(dirname "$dest")" && mv "$tmp/tofu" "$dest" && rm -rf "$tmp"
  echo "tools: tofu ready after $(( $(date +%s) - start ))s" >&2
}

# Terraform >= 1.6 cannot be go-installed: its go.mod replaces nine remote-state backends and
# internal/legacy with local folders that the module zip leaves out. A wrapper module points
# those ten paths at small stand-ins (only internal/backend/init imports the backends, each as
# New() backend.Backend); the local backend that tests use is untouched, and a configuration
# naming a stubbed backend fails. No `go mod tidy`: it follows test imports into internal/legacy.
build_terraform_116() {
  local dest tmp start b
  dest=$(path_of terraform-1.16)
  [ -x "$dest" ] && return 0
  start=$(date +%s)
  echo "tools: building Terraform $TERRAFORM_116_VERSION into $(dirname "$dest") (about 10 min on 2 cores) ..." >&2
  tmp=$(mktemp -d)
  printf 'module example.com/tfwrap\n\ngo 1.26\n\nrequire github.com/hashicorp/terraform v%s\n\n' \
    "$TERRAFORM_116_VERSION" >"$tmp/go.mod"
  for b in azure consul cos gcs kubernetes oci oss pg s3; do
    mkdir -p "$tmp/stubs/$b"
    printf 'module github.com/hashicorp/terraform/internal/backend/remote-state/%s\n\ngo 1.25\n' $b >"$tmp/stubs/$b/go.mod"
    printf '// Package %s stands in for a state backend that is not published as a module.\npackage %s\n\nimport "github.com/hashicorp/terraform/internal/backend"\n\n// New returns no backend: configurations that use it fail.\nfunc New() backend.Backend { return nil }\n' \
      $b $b >"$tmp/stubs/$b/stub.go"
    echo "replace github.com/hashicorp/terraform/internal/backend/remote-state/$b => ./stubs/$b" >>"$tmp/go.mod"
  done
  mkdir -p "$tmp/stubs/legacy"
  printf 'module github.com/hashicorp/terraform/internal/legacy\n\ngo 1.25\n' >"$tmp/stubs/legacy/go.mod"
  echo "replace github.com/hashicorp/terraform/internal/legacy => ./stubs/legacy" >>"$tmp/go.mod"
  # version.dev=no: otherwise it reports v$TERRAFORM_116_VERSION-dev.
  (cd "$tmp" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$tmp/terraform" github.com/hashicorp/terraform)
  mkdir -p "$(dirname "$dest")" && mv "$tmp/terraform" "$dest" && rm -rf "$tmp"
  echo "tools: terraform $TERRAFORM_116_VERSION ready after $(( $(date +%s) - start ))s" >&2
}

go_install tfplugindocs "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v$TFPLUGINDOCS_VERSION"
go_install terraform "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
go_install golangci-lint "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION"
build_tofu
build_terraform_116
go_install goreleaser "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
