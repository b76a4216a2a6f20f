#!/usr/bin/env bash
# Measures a cold build of the control plane: empty Go module and build caches, empty output
# folder. Runs outside the network namespace (it needs the Go module proxy). Writes
# cold_build_s into bench/results/controlplane.json, keeping the other metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
GOMODCACHE="$tmp/mod" GOCACHE="$tmp/build" KUBECHAOS_CACHE="$tmp/cache" bash scripts/build-cluster.sh >"$tmp/log" 2>&1 || { tail -20 "$tmp/log"; exit 1; }
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
echo "cold build: ${secs}s"
source scripts/node-env.sh
node -e '
const fs = require("node:fs"); const os = require("node:os");
const p = "bench/results/controlplane.json";
const r = fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, "utf8")) : { benchmark: "controlplane", metrics: {}, notes: "" };
r.metrics.cold_build_s = { unit: "s", n: 1, value: Number(Number(process.argv[1]).toFixed(0)), measuredAt: new Date().toISOString(), baseline: "empty GOCACHE and GOMODCACHE, etcd + kwok + kube-apiserver/controller-manager/scheduler" };
r.date ??= new Date().toISOString();
r.machine ??= { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kubernetes: "v1.36.3" };
fs.writeFileSync(p, JSON.stringify(r, null, 2) + "\n");
' "$secs"
