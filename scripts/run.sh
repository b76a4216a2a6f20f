#!/usr/bin/env bash
# Entry point behind every npm script: provisions what the command needs, then runs it.
#   test     build the control plane if missing, then vitest (unit + integration) in a private netns
#   demo     the README's main job, against a fresh local control plane
#   cluster  a local control plane for interactive use
#   bench    benchmarks (bench/*.bench.ts), results under bench/results/
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:-}"; shift || true
case "$cmd" in
  test|demo|cluster|bench|in-netns) ;;
  *) echo "usage: scripts/run.sh test|demo|cluster|bench|in-netns CMD..." >&2; exit 2 ;;
esac

# Before anything else (Node, npm packages, the Go build): every tool the command needs, installed
# when possible, else a stop that names the package and the command.
bash scripts/prereqs.sh "$cmd"

source scripts/node-env.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "kubechaos: installing npm packages" >&2
  npm ci --no-audit --no-fund >&2
fi

needs_cluster() { case "$cmd" in test|demo|cluster|bench|in-netns) return 0;; *) return 1;; esac; }
# One build at a time per cache: parallel checkouts (worktrees, a CI clone beside a session) that
# start on an empty cache wait for the first one's Go builds instead of racing it into the cache.
cache_root="${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}"
mkdir -p "$cache_root"
exec 9>"$cache_root/.build.lock"
if ! flock -n 9; then
  echo "kubechaos: another checkout is building into $cache_root; waiting for it" >&2
  flock 9
fi
if needs_cluster; then
  export KUBECHAOS_BIN_DIR
  KUBECHAOS_BIN_DIR=$(bash scripts/build-cluster.sh | tail -n 1)
fi
# The Litmus tests and bench run the real chaos-operator, chaos-runner and experiments; what cannot
# be built is listed, not fatal (those tests say why). The runner and experiments come from the
# released source archives when the Go proxy refuses them: KUBECHAOS_LITMUS_SRC, by default the
# shared folder beside this checkout.
if [ -z "${KUBECHAOS_LITMUS_SRC:-}" ] && [ -d ../shared/litmus-src ]; then
  KUBECHAOS_LITMUS_SRC=$(cd ../shared/litmus-src && pwd); export KUBECHAOS_LITMUS_SRC
fi
case "$cmd" in
  test|bench) bash scripts/build-litmus.sh >/dev/null || echo "kubechaos: scripts/build-litmus.sh failed; the Litmus tests will say why" >&2 ;;
esac
# The Prometheus tests run a real Prometheus (and promtool); without it they say why.
case "$cmd" in
  test|bench) bash scripts/build-prometheus.sh >/dev/null || echo "kubechaos: scripts/build-prometheus.sh failed; the Prometheus tests will say why" >&2 ;;
esac

# The peers bench runs Chaos Toolkit beside kubechaos: a venv from PyPI, made here because the
# private network namespace below has no route to PyPI.
if [ "$cmd" = bench ]; then
  export KUBECHAOS_CTK_BIN
  KUBECHAOS_CTK_BIN=$(bash scripts/build-chaostoolkit.sh | tail -n 1) || { KUBECHAOS_CTK_BIN=""; echo "kubechaos: scripts/build-chaostoolkit.sh failed; the peers bench will say why" >&2; }
fi

flock -u 9
exec 9>&-

# Everything that talks to the cluster runs in a private network namespace (pod IPs live on its
# lo) and a private PID namespace (if this script dies, every process it started dies with it).
in_netns() {
  local unshare_args=(--net --pid --fork --mount-proc --kill-child)
  [ "$(id -u)" = 0 ] || unshare_args=(--user --map-root-user "${unshare_args[@]}")
  # unshare keeps this shell's PID and itself joins the new network namespace: `nsenter -t` it.
  export KUBECHAOS_NETNS_PID=$$
  exec unshare "${unshare_args[@]}" bash -c 'ip link set lo up && export KUBECHAOS_PRIVATE_MOUNTS=1 && exec "$@"' kubechaos-netns "$@"
}

case "$cmd" in
  test)     in_netns npx vitest run "$@" ;;
  demo)     in_netns node examples/demo.ts "$@" ;;
  cluster)  in_netns node test/cluster/main.ts "$@" ;;
  bench)    in_netns node bench/run.ts "$@" ;;
  in-netns) in_netns "$@" ;;
  *) echo "usage: scripts/run.sh test|demo|cluster|bench|in-netns CMD..." >&2; exit 2 ;;
esac
