#!/usr/bin/env bash
# Builds Prometheus and promtool from the Go module proxy into a cache outside the repo, like
# scripts/build-cluster.sh. Rebuilds only when a binary is missing or reports another version.
# The web UI's assets are not embedded (no `builtinassets` tag): the tests use the HTTP API only.
#
# Usage: scripts/build-prometheus.sh   (prints the bin directory on its last line)
#   KUBECHAOS_PROMETHEUS_VERSION   module version to pin (default v0.316.0, i.e. Prometheus 3.16.0)
set -euo pipefail

VERSION="${KUBECHAOS_PROMETHEUS_VERSION:-v0.316.0}"
CACHE_ROOT="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"
OUT="$CACHE_ROOT/prometheus-$VERSION/bin"
MOD=github.com/prometheus/prometheus
mkdir -p "$OUT"

log() { echo "[build-prometheus] $*" >&2; }
command -v go >/dev/null || { log "go is not installed; install Go >= 1.26"; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod

# `--version` prints the stamped version; a binary stamped with another one is rebuilt.
stamped() { [ -x "$OUT/$1" ] && "$OUT/$1" --version 2>&1 | grep -q "version $VERSION "; }

if stamped prometheus && stamped promtool; then
  log "prometheus $VERSION: cached"
else
  log "prometheus $VERSION: building prometheus and promtool (cold: 8-15 min on 2 cores)"
  start=$(date +%s)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (
    cd "$work"
    go mod init local/prombin >/dev/null 2>&1
    go mod edit -go=1.26 -require="$MOD@$VERSION"
    cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
GO
    # The module's own go.mod pins every dependency; take its versions as they are.
    go mod tidy -e >/dev/null 2>&1 || true
    v=github.com/prometheus/common/version
    x="-X $v.Version=$VERSION -X $v.Revision=$VERSION -X $v.Branch=module -X $v.BuildUser=kubechaos -X $v.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)"
    nice -n 10 go build -trimpath -ldflags "-s -w $x" -o "$OUT/" "$MOD/cmd/prometheus" "$MOD/cmd/promtool"
  )
  log "built in $(( $(date +%s) - start ))s"
fi
for b in prometheus promtool; do stamped "$b" || { log "missing or wrong version: $OUT/$b"; exit 1; }; done
echo "$OUT"
