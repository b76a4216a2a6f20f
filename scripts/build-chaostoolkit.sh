#!/usr/bin/env bash
# Installs Chaos Toolkit and its Kubernetes extension from PyPI into a virtualenv cached outside
# the repo (the peer that bench/peers.bench.ts runs beside kubechaos). Runs before run.sh enters
# the private network namespace, which has no route to PyPI. Reinstalls only when the venv is
# missing or reports other versions.
#
# Usage: scripts/build-chaostoolkit.sh   (prints the venv's bin directory on its last line)
#   KUBECHAOS_CTK_VERSION       chaostoolkit version (default 1.19.0)
#   KUBECHAOS_CTK_K8S_VERSION   chaostoolkit-kubernetes version (default 0.39.0)
# Needs python3 with the venv module (Debian package python3-venv).
set -euo pipefail

VERSION="${KUBECHAOS_CTK_VERSION:-1.19.0}"
K8S_VERSION="${KUBECHAOS_CTK_K8S_VERSION:-0.39.0}"
CACHE_ROOT="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"
VENV="$CACHE_ROOT/chaostoolkit-$VERSION-k8s-$K8S_VERSION"

log() { echo "[build-chaostoolkit] $*" >&2; }
command -v python3 >/dev/null || { log "python3 is not installed (Debian packages python3 python3-venv)"; exit 1; }

installed() {
  [ -x "$VENV/bin/chaos" ] && "$VENV/bin/python" - "$VERSION" "$K8S_VERSION" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if version("chaostoolkit") == sys.argv[1] and version("chaostoolkit-kubernetes") == sys.argv[2] else 1)
PY
}

if installed; then
  log "chaostoolkit $VERSION + chaostoolkit-kubernetes $K8S_VERSION: cached"
else
  log "chaostoolkit $VERSION + chaostoolkit-kubernetes $K8S_VERSION: installing from PyPI into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || { log "python3 -m venv failed: install the Debian package python3-venv (apt-get install -y python3-venv)"; exit 1; }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "chaostoolkit==$VERSION" "chaostoolkit-kubernetes==$K8S_VERSION" >&2
fi
installed || { log "the venv at $VENV does not report the pinned versions"; exit 1; }
echo "$VENV/bin"
