#!/usr/bin/env bash
# Builds the LitmusChaos components (chaos-operator, chaos-runner, litmus-go's experiment binary)
# into a cache outside the repo, and copies the operator release's CRDs next to them. Rebuilds a
# component only when its binary is missing.
#
# Each comes from the Go module proxy where it serves it. The proxy refuses every 3.x
# chaos-runner and litmus-go (403), so those fall back to released source archives in the
# directory named by KUBECHAOS_LITMUS_SRC (chaos-runner-3.18.0.tar.gz, litmus-go-3.31.0.tar.gz:
# chaos-runner 3.18.0 is built on the operator API of chaos-operator 3.9.0). The archives'
# dependencies come from the proxy. <cache>/SOURCES says which source each binary came from.
#
# Each module is built with its own go.mod (upstream's replace directives apply): the module Dir
# from `go mod download -json` is copied to a writable temp dir and built there.
#
# Usage: scripts/build-litmus.sh          (prints the bin directory on its last line)
#        scripts/build-litmus.sh --check  (exit 0 when the chaos-operator is cached; builds nothing, needs no Go)
#   KUBECHAOS_LITMUS_RELEASE   release to pin (default 3.9.0; see docs/litmus.md for why)
#   KUBECHAOS_LITMUS_STRICT=1  exit 1 when any component cannot be built
#   KUBECHAOS_LITMUS_SRC       directory with the released source archives (fallback for the proxy)
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
# "Cached" means the operator and the CRDs: without the runner and the experiment binary the
# Litmus tests that inject real faults say what is missing, the others still run.
if [ "${1:-}" = --check ]; then [ -x "$OUT/chaos-operator" ] && ls "$DIR"/crds/*.yaml >/dev/null 2>&1; exit; fi
mkdir -p "$OUT" "$DIR/crds"
: > "$DIR/BLOCKED.new"
touch "$DIR/SOURCES"

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

# source_of NAME WHERE: records where a binary came from (one line per component)
source_of() { { grep -v "^$1	" "$DIR/SOURCES" || true; printf '%s\t%s\n' "$1" "$2"; } > "$DIR/SOURCES.new"; mv "$DIR/SOURCES.new" "$DIR/SOURCES"; }

# compile NAME WORKDIR PACKAGE: go build in WORKDIR into the cache; 1 on failure
compile() {
  local name="$1" work="$2" pkg="$3" start
  start=$(date +%s)
  (cd "$work" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$OUT/$name.tmp" "$pkg") || return 1
  mv "$OUT/$name.tmp" "$OUT/$name"
  log "$name: built in $(( $(date +%s) - start )) s"
}

# build NAME MODULE VERSION PACKAGE: from the proxy; 1 when the proxy refuses the module
build() {
  local name="$1" mod="$2" ver="$3" pkg="$4" src work
  if [ -x "$OUT/$name" ]; then log "$name: cached ($(grep "^$name	" "$DIR/SOURCES" | cut -f2))"; return 0; fi
  src=$(download "$mod" "$ver") || return 1
  log "$name: building $mod@$ver ($pkg) from the Go module proxy"
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  if ! compile "$name" "$work" "$pkg"; then
    log "BLOCKED: go build of $mod@$ver ($pkg) failed (see above)"
    printf '%s@%s\tcd <module dir> && go build -trimpath -o %s %s\tbuild failed\n' "$mod" "$ver" "$name" "$pkg" >> "$DIR/BLOCKED.new"
    rm -rf "$work"; return 0
  fi
  source_of "$name" "go module proxy: $mod@$ver"
  if [ "$name" = chaos-operator ]; then cp "$work"/deploy/crds/*.yaml "$DIR/crds/"; fi
  rm -rf "$work"
}

# The released archives (KUBECHAOS_LITMUS_SRC) stand in for what the proxy refuses. The
# runner's go.mod points litmus-go at the archive's tree, as the archives' README build does.
ARCHIVE_RUNNER=chaos-runner-3.18.0
ARCHIVE_LITMUS_GO=litmus-go-3.31.0
unpacked=""
unpack() {
  [ -n "$unpacked" ] && return 0
  local src="${KUBECHAOS_LITMUS_SRC:-}"
  if [ -z "$src" ]; then log "KUBECHAOS_LITMUS_SRC is not set: no source archives to fall back to"; return 1; fi
  for a in "$ARCHIVE_RUNNER" "$ARCHIVE_LITMUS_GO"; do
    [ -f "$src/$a.tar.gz" ] || { log "missing $src/$a.tar.gz (KUBECHAOS_LITMUS_SRC=$src)"; return 1; }
  done
  unpacked=$(mktemp -d)
  tar xzf "$src/$ARCHIVE_LITMUS_GO.tar.gz" -C "$unpacked"
  tar xzf "$src/$ARCHIVE_RUNNER.tar.gz" -C "$unpacked"
  (cd "$unpacked/$ARCHIVE_RUNNER" && go mod edit -replace "github.com/litmuschaos/litmus-go=../$ARCHIVE_LITMUS_GO")
}

# from_archive NAME DIR PACKAGE
from_archive() {
  local name="$1" dir="$2" pkg="$3"
  unpack || return 1
  log "$name: building $dir ($pkg) from $KUBECHAOS_LITMUS_SRC/$dir.tar.gz"
  compile "$name" "$unpacked/$dir" "$pkg" || { log "go build of $dir ($pkg) failed (see above)"; return 1; }
  source_of "$name" "archive: $KUBECHAOS_LITMUS_SRC/$dir.tar.gz"
}

build chaos-operator github.com/litmuschaos/chaos-operator "$OPERATOR" . || true
# The runner and the experiments: the proxy when it serves them, else the archives. A proxy
# refusal stays in BLOCKED only when the archives could not stand in.
for c in "chaos-runner github.com/litmuschaos/chaos-runner $RUNNER ./bin $ARCHIVE_RUNNER" \
         "experiments github.com/litmuschaos/litmus-go $LITMUS_GO ./bin/experiment $ARCHIVE_LITMUS_GO"; do
  set -- $c
  if build "$1" "$2" "$3" "$4"; then continue; fi
  if from_archive "$1" "$5" "$4"; then
    grep -v "^$2@" "$DIR/BLOCKED.new" > "$DIR/BLOCKED.tmp" || true
    mv "$DIR/BLOCKED.tmp" "$DIR/BLOCKED.new"
  fi
done
[ -z "$unpacked" ] || rm -rf "$unpacked"

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
sed 's/^/source: /' "$DIR/SOURCES" >> "$DIR/VERSIONS"

for b in chaos-operator chaos-runner experiments; do
  if [ -x "$OUT/$b" ]; then log "ok: $OUT/$b"; else log "missing: $b"; fi
done
log "CRDs: $DIR/crds"
if [ -f "$DIR/BLOCKED" ]; then
  log "some components could not be built; see $DIR/BLOCKED"
  if [ "${KUBECHAOS_LITMUS_STRICT:-}" = 1 ]; then exit 1; fi
fi
echo "$OUT"
