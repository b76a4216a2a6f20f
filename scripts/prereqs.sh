#!/usr/bin/env bash
# Checks everything a project command needs from the machine, in its first second and before
# any build: the system tools, Go (only when the control plane is not cached yet), and the
# namespaces the harness runs in. What is missing is installed where that is possible (as root,
# with apt-get, as CI does); otherwise the script stops at once, naming each Debian package and
# the exact command to run.
#
# Usage: scripts/prereqs.sh test|demo|cluster|bench|in-netns|ci
#   KUBECHAOS_NO_INSTALL=1   never install anything; report what is missing and exit 1
#   KUBECHAOS_GO_VERSION     the Go release the message suggests (default 1.26.8)
set -euo pipefail
cd "$(dirname "$0")/.."
cmd="${1:-test}"

GO_MIN_MINOR=26 # Go 1.26: kube-apiserver 1.36 needs it
GO_SUGGESTED="${KUBECHAOS_GO_VERSION:-1.26.8}"
say() { echo "kubechaos: $*" >&2; }
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo "

# What each command needs: "command|Debian package|what for". npm is always needed: npx runs
# vitest, and scripts/node-env.sh fetches Node 24 with it when the machine's Node is older.
needs=("npm|npm|npx, and fetching Node 24 when the machine's Node is older than 22.12")
case "$cmd" in
  test|demo|cluster|bench|in-netns|ci)
    needs+=(
      "nft|nftables|kube-proxy's nftables mode (Services)"
      "ip|iproute2|pod addresses and the Service route"
      "openssl|openssl|the control plane's certificates"
      "unshare|util-linux|the private network and PID namespaces"
      "mount|mount|the private /etc/hosts that resolves Service names"
    ) ;;
esac
case "$cmd" in
  test|ci) needs+=("chromium|chromium|the screenshot test of the SVG timeline") ;;
esac
case "$cmd" in
  bench) needs+=("python3-venv|python3-venv|the virtualenv of Chaos Toolkit, the peer the peers bench runs (python3 -m venv)") ;;
esac

have() {
  case "$1" in
    python3-venv) command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null ;;
    chromium) command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing_tools() {
  local entry
  for entry in "${needs[@]}"; do have "${entry%%|*}" || printf '%s\n' "$entry"; done
}

packages_of() { local entry; for entry in "$@"; do entry="${entry#*|}"; printf '%s ' "${entry%%|*}"; done; }

missing=()
while IFS= read -r line; do [ -n "$line" ] && missing+=("$line"); done < <(missing_tools)

install_failed=""
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${KUBECHAOS_NO_INSTALL:-}" != 1 ]; then
  pkgs=$(packages_of "${missing[@]}")
  say "installing missing Debian packages: ${pkgs% } (apt-get update, then apt-get install -y)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs}; } >&2; then
    install_failed="apt-get update && apt-get install -y ${pkgs% } failed (its output is above)"
  fi
  hash -r
  missing=()
  while IFS= read -r line; do [ -n "$line" ] && missing+=("$line"); done < <(missing_tools)
fi

problems=()
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=$(packages_of "${missing[@]}"); pkgs="${pkgs% }"
  lines=""
  for entry in "${missing[@]}"; do
    IFS='|' read -r tool pkg why <<<"$entry"
    lines+=$(printf '\n    %-9s (Debian package %s): %s' "$tool" "$pkg" "$why")
  done
  if [ -n "$install_failed" ]; then how="  $install_failed; install them by hand, then run the command again."
  elif command -v apt-get >/dev/null; then how="  Install them, then run the command again:
    ${sudo}apt-get update && ${sudo}apt-get install -y $pkgs"
  else how="  This machine has no apt-get: install the packages that provide them (Debian names: $pkgs), then run the command again."
  fi
  problems+=("missing ${#missing[@]} system tool(s):$lines
$how")
fi

# Go builds the control plane (and, for test/bench, the Litmus operator) only when not cached.
go_needed_for=""
bash scripts/build-cluster.sh --check || go_needed_for="the local control plane (etcd, kube-apiserver, controllers, kube-proxy, kwok)"
case "$cmd" in
  test|bench|ci) bash scripts/build-litmus.sh --check || go_needed_for="${go_needed_for:+$go_needed_for and }the Litmus chaos-operator" ;;
esac
if [ -n "$go_needed_for" ]; then
  found="none on PATH"
  if command -v go >/dev/null; then found=$(go env GOVERSION 2>/dev/null || echo "a go that does not run"); fi
  minor=$(printf '%s' "$found" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  if [ -z "$minor" ] || [ "$minor" -lt "$GO_MIN_MINOR" ]; then
    arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
    toolchain=""
    if [ -n "$minor" ] && [ "$minor" -ge 21 ]; then
      toolchain=$'\n'"  or let this Go (>= 1.21) fetch the newer toolchain from the Go module proxy: export GOTOOLCHAIN=go$GO_SUGGESTED"
    fi
    problems+=("Go >= 1.$GO_MIN_MINOR is needed to build $go_needed_for once (not cached yet in ${KUBECHAOS_CACHE:-$HOME/.cache/kubechaos}); found: $found.
  Debian's golang-go is too old. Install the official release, then run the command again:
    curl -fsSL https://go.dev/dl/go$GO_SUGGESTED.linux-$arch.tar.gz | ${sudo}tar -C /usr/local -xz && export PATH=/usr/local/go/bin:\$PATH$toolchain")
  fi
fi

# The harness runs in private network, PID and mount namespaces (scripts/run.sh in_netns).
case "$cmd" in
  test|demo|cluster|bench|in-netns|ci)
    if have unshare; then
      ns_args=(--net --pid --fork --mount-proc)
      [ "$(id -u)" = 0 ] || ns_args=(--user --map-root-user "${ns_args[@]}")
      if ! err=$(unshare "${ns_args[@]}" true 2>&1); then
        problems+=("cannot create the private namespaces the local cluster runs in (unshare ${ns_args[*]} true: ${err:-failed}).
  Run as root, or allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (Debian),
  sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu >= 23.10); in a container, run it with --privileged.")
      fi
    fi ;;
esac

if [ ${#problems[@]} -gt 0 ]; then
  say "cannot run \`$cmd\`: prerequisites are missing (checked before building or starting anything)"
  for p in "${problems[@]}"; do echo "  - $p" >&2; done
  exit 1
fi
