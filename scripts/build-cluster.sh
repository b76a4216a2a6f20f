#!/usr/bin/env bash
# Builds the local control plane from the Go module proxy into a cache outside the repo.
# Rebuilds a component only when its binary is missing or reports the wrong version.
# Usage: scripts/build-cluster.sh           (prints the bin directory on its last line)
#        scripts/build-cluster.sh --check   (exit 0 when every binary is cached; builds nothing, needs no Go)
set -euo pipefail

K8S_VERSION="${KUBECHAOS_K8S_VERSION:-1.36.3}"
ETCD_VERSION="${KUBECHAOS_ETCD_VERSION:-3.6.16}"
KWOK_VERSION="${KUBECHAOS_KWOK_VERSION:-0.8.0}"
CACHE_ROOT="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"
OUT="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"

log() { echo "[build-cluster] $*" >&2; }

k8s_cached() {
  [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/kube-controller-manager" ] && [ -x "$OUT/kube-scheduler" ] && [ -x "$OUT/kube-proxy" ] \
    && "$OUT/kube-apiserver" --version 2>/dev/null | grep -q "v$K8S_VERSION\$"
}
etcd_cached() { [ -x "$OUT/etcd" ] && "$OUT/etcd" --version 2>/dev/null | grep -q "etcd Version: $ETCD_VERSION"; }
kwok_cached() { [ -x "$OUT/kwok" ] && [ -d "$OUT/../stages" ]; }

if [ "${1:-}" = --check ]; then k8s_cached && etcd_cached && kwok_cached; exit; fi
mkdir -p "$OUT"

command -v go >/dev/null || { log "go is not installed; install Go >= 1.26 (scripts/prereqs.sh prints how)"; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-mod=mod

build_k8s() {
  if k8s_cached; then
    log "kubernetes v$K8S_VERSION: cached"; return
  fi
  log "kubernetes v$K8S_VERSION: building (cold: 20-40 min on 2 cores)"
  local w; w=$(mktemp -d)
  (
    cd "$w"
    go mod init local/k8sbin >/dev/null 2>&1
    go mod edit -go=1.26 -require="k8s.io/kubernetes@v$K8S_VERSION"
    # Every staging module is required at v0.0.0 upstream and replaced with a local path;
    # point each at its published v0.<minor>.<patch> instead. The list comes from that release's own go.mod.
    local gomod staging
    gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    staging=$(sed -n 's#^[[:space:]]*k8s.io/\([a-z0-9-]*\) => ./staging/src/k8s.io/.*#\1#p' "$gomod")
    [ -n "$staging" ] || { log "no staging replace lines found in $gomod"; exit 1; }
    for m in $staging; do go mod edit -replace="k8s.io/$m=k8s.io/$m@v0.${K8S_VERSION#1.}"; done
    cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
GO
    go mod tidy -e >/dev/null 2>&1 || true
    local minor="${K8S_VERSION#1.}"; minor="${minor%%.*}"
    local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    local x=""
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      x="$x -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=0000000000000000000000000000000000000000"
    done
    go build -trimpath -tags selinux,notest -ldflags "-s -w $x" -o "$OUT/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kube-proxy
  )
  rm -rf "$w"
}

build_etcd() {
  if etcd_cached; then
    log "etcd $ETCD_VERSION: cached"; return
  fi
  log "etcd $ETCD_VERSION: building"
  local w; w=$(mktemp -d)
  (
    cd "$w"
    go mod init local/etcdbin >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null 2>&1
    go build -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$w"
}

build_kwok() {
  if kwok_cached; then log "kwok $KWOK_VERSION: cached"; return; fi
  log "kwok $KWOK_VERSION: building"
  GOBIN="$OUT" GOFLAGS= go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  local src; src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$KWOK_VERSION/kustomize/stage"
  rm -rf "$OUT/../stages"; mkdir -p "$OUT/../stages"
  cp "$src/node/fast/"*.yaml "$src/node/heartbeat-with-lease/"*.yaml "$src/pod/fast/"*.yaml "$OUT/../stages/" 2>/dev/null || true
  chmod -R u+w "$OUT/../stages"
}

start=$(date +%s)
build_etcd
build_kwok
build_k8s
log "done in $(( $(date +%s) - start ))s"
echo "$OUT"
