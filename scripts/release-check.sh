#!/usr/bin/env bash
# Validates .goreleaser.yml and builds a snapshot for this platform, offline.
# goreleaser insists on a git repository with an `origin` remote, which it never
# contacts. A clone has one; elsewhere a stand-in is given through git's
# environment configuration, so this never edits your git configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
goreleaser=$(scripts/tools.sh path goreleaser)
if ! git remote get-url origin >/dev/null 2>&1; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/cceops/terraform-provider-cce.git
fi
"$goreleaser" check
"$goreleaser" build --snapshot --clean --single-target --output dist/terraform-provider-cce-snapshot >/dev/null
echo "release-check: snapshot built, $(wc -c <dist/terraform-provider-cce-snapshot) bytes"
