#!/usr/bin/env bash
# Builds the LitmusChaos components (chaos-operator, chaos-runner, litmus-go's experiment binary)
# from the Go module proxy into a cache outside the repo, and copies the operator release's CRDs
# next to them. Rebuilds a component only when its binary is missing.
#
# Each module is built with its own go.mod (upstream's replace directives apply): the module Dir
# from `go mod download -json` is copied to a writable temp dir and built there.
#
# Usage: scripts/build-litmus.sh          (prints the bin directory on its last line)
#        scripts/build-litmus.sh --check  (exit 0 when the chaos-operator is cached; builds nothing, needs no Go)
#   KUBECHAOS_LITMUS_RELEASE   release to pin (default 3.9.0; see docs/litmus.md for why)
#   KUBECHAOS_LITMUS_STRICT=1  exit 1 when any component cannot be built
#
# A component the proxy does not serve is reported on stderr with the exact module, command and
# error, and listed in <cache>/BLOCKED; the others are still built.
set -euo pipefail

RELEASE="${KUBECHAOS_LITMUS_RELEASE:-3.9.0}"
CACHE_ROOT="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"

# Release tags are bare (3.9.0), so Go resolves them to pseudo-versions; these are the tags'
# commits (git log -1 --date=format-local:%Y%m%d%H%M%S in UTC).
case "$RELEASE" in
  3.18.0)
    OPERATOR=v0.0.0-20250402061847-af8244e53a0d
    RUNNER=v0.0.0-20250402062002-173b5ff68854
    LITMUS_GO=v0.0.0-20250415125023-e7b3fb6f9f46 ;;
  3.17.0)
    OPERATOR=v0.0.0-20241015181033-0e85028f6866
    RUNNER=v0.0.0-20241015181414-b0bca2fa6b79
    LITMUS_GO=v0.0.0-20250415125023-e7b3fb6f9f46 ;;
  3.9.0)
    OPERATOR=v0.0.0-20240601063404-e96a7ee7f1f7
    RUNNER=v0.0.0-20240601065037-6437228ec211
    LITMUS_GO=v0.0.0-20240614084647-10e9b774a8dd ;;
  *) echo "[build-litmus] unknown release $RELEASE (known: 3.18.0 3.17.0 3.9.0)" >&2; exit 2 ;;
esac

DIR="$CACHE_ROOT/litmus-$RELEASE"
OUT="$DIR/bin"
# The chaos-runner and experiment binaries are refused by the proxy (see docs/litmus.md), so
# "cached" means the operator, the one component the tests run.
if [ "${1:-}" = --check ]; then [ -x "$OUT/chaos-operator" ] && ls "$DIR"/crds/*.yaml >/dev/null 2>&1; exit; fi
mkdir -p "$OUT" "$DIR/crds"
: > "$DIR/BLOCKED.new"

log() { echo "[build-litmus] $*" >&2; }
command -v go >/dev/null || { log "go is not installed"; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod

# download MODULE VERSION -> prints the module Dir, or records the proxy's error and returns 1
download() {
  local mod="$1" ver="$2" json err dir
  json=$(go mod download -json "$mod@$ver" 2>/dev/null || true)
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  if [ -z "$dir" ]; then
    err=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p')
    log "BLOCKED: go mod download -json $mod@$ver"
    log "  error: ${err:-no output}"
    printf '%s@%s\tgo mod download -json %s@%s\t%s\n' "$mod" "$ver" "$mod" "$ver" "${err:-no output}" >> "$DIR/BLOCKED.new"
    return 1
  fi
  printf '%s\n' "$dir"
}

# build NAME MODULE VERSION PACKAGE
build() {
  local name="$1" mod="$2" ver="$3" pkg="$4" src work start
  if [ -x "$OUT/$name" ]; then log "$name ($mod@$ver): cached"; return 0; fi
  src=$(download "$mod" "$ver") || return 0
  log "$name: building $mod@$ver ($pkg)"
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  start=$(date +%s)
  if ! (cd "$work" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$OUT/$name.tmp" "$pkg"); then
    log "BLOCKED: go build of $mod@$ver ($pkg) failed (see above)"
    printf '%s@%s\tcd <module dir> && go build -trimpath -o %s %s\tbuild failed\n' "$mod" "$ver" "$name" "$pkg" >> "$DIR/BLOCKED.new"
    rm -rf "$work"; return 0
  fi
  mv "$OUT/$name.tmp" "$OUT/$name"
  log "$name: built in $(( $(date +%s) - start )) s"
  if [ "$name" = chaos-operator ]; then cp "$work"/deploy/crds/*.yaml "$DIR/crds/"; fi
  rm -rf "$work"
}

build chaos-operator github.com/litmuschaos/chaos-operator "$OPERATOR" .
build chaos-runner   github.com/litmuschaos/chaos-runner   "$RUNNER"   ./bin
build experiments    github.com/litmuschaos/litmus-go      "$LITMUS_GO" ./bin/experiment

# The CRDs come from the operator module; copy them again if only the binary was cached.
if [ -x "$OUT/chaos-operator" ] && ! ls "$DIR"/crds/*.yaml >/dev/null 2>&1; then
  if src=$(download github.com/litmuschaos/chaos-operator "$OPERATOR"); then cp "$src"/deploy/crds/*.yaml "$DIR/crds/"; fi
fi

mv "$DIR/BLOCKED.new" "$DIR/BLOCKED"
[ -s "$DIR/BLOCKED" ] || rm -f "$DIR/BLOCKED"
cat > "$DIR/VERSIONS" <<EOF
release=$RELEASE
github.com/litmuschaos/chaos-operator=$OPERATOR
github.com/litmuschaos/chaos-runner=$RUNNER
github.com/litmuschaos/litmus-go=$LITMUS_GO
EOF

for b in chaos-operator chaos-runner experiments; do
  if [ -x "$OUT/$b" ]; then log "ok: $OUT/$b"; else log "missing: $b"; fi
done
log "CRDs: $DIR/crds"
if [ -f "$DIR/BLOCKED" ]; then
  log "some components could not be built; see $DIR/BLOCKED"
  if [ "${KUBECHAOS_LITMUS_STRICT:-}" = 1 ]; then exit 1; fi
fi
echo "$OUT"
