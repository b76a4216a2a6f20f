#!/usr/bin/env bash
# Installs the packed tarball into an empty project and uses it the way a user would:
# ESM import, CJS require, the kubechaos/vitest entry, the `kubechaos` bin, and the README's
# first example copied verbatim and run by the project's vitest against a local control plane.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" | tail -n 1)
cd "$tmp"
npm init -y >/dev/null
# vitest is an optional peer, needed by the kubechaos/vitest entry only.
npm install --silent --no-audit --no-fund "./$tarball" vitest@5 >/dev/null
node --input-type=module -e "
  const k = await import('kubechaos');
  for (const name of ['createChaos', 'probes', 'leaseRegistry', 'serve', 'toJUnit', 'isSafetyAbortError']) {
    if (!(name in k)) throw new Error('ESM build lacks ' + name);
  }
  console.log('esm ok:', Object.keys(k).length, 'exports');
"
# The subpath entries (docs/api-surface.md), ESM and CJS, each with one of its values.
node --input-type=module -e "
  const want = { 'kubechaos/cluster': 'createKubeCluster', 'kubechaos/registry': 'createKubeLeaseStore', 'kubechaos/engine': 'nativeEngine' };
  for (const [entry, name] of Object.entries(want)) {
    if (!(name in (await import(entry)))) throw new Error('ESM ' + entry + ' lacks ' + name);
    if (!(name in (await import('node:module')).createRequire(process.cwd() + '/')(entry))) throw new Error('CJS ' + entry + ' lacks ' + name);
  }
  console.log('subpaths ok:', Object.keys(want).join(', '));
"
# kubechaos/vitest runs inside vitest only: a one-test suite checks the fixture and the matchers.
cat > entry.test.mjs <<'TEST'
import { test, expect } from 'kubechaos/vitest';
test('kubechaos/vitest gives a chaos client and registers the matchers', ({ chaos }) => {
  expect(typeof chaos.podKill).toBe('function');
  expect(typeof expect(0).toHaveStayedAbove).toBe('function');
  expect(typeof expect(0).toHaveRecoveredWithin).toBe('function');
});
TEST
# The fixture makes its client from the kubeconfig (no request is sent here): give it one.
cat > fixture.kubeconfig <<'KC'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: not-used } }]
contexts: [{ name: x, context: { cluster: c, user: u, namespace: default } }]
current-context: x
KC
KUBECONFIG="$PWD/fixture.kubeconfig" npx --no-install vitest run entry.test.mjs --reporter dot >/dev/null
echo "kubechaos/vitest ok"
node -e "
  const k = require('kubechaos');
  if (typeof k.createChaos !== 'function') throw new Error('CJS build lacks createChaos');
  console.log('cjs ok');
"
npx --no-install kubechaos --help | head -n 1
# The bin is a bundle split per command: a command's own chunk (here stop's, with the Kubernetes
# client) must load from the installed package too. No kubeconfig: it refuses (exit 2) once loaded.
if KUBECONFIG=/nonexistent npx --no-install kubechaos stop --all -n default 2> stop.err; then echo "stop without a kubeconfig succeeded" >&2; exit 1; fi
grep -q "^error: " stop.err && ! grep -q "Cannot find\|ERR_MODULE_NOT_FOUND" stop.err || { cat stop.err >&2; exit 1; }
npx --no-install kubechaos completion bash | bash -n
echo "kubechaos bin ok"

bash "$repo/scripts/check-readme.sh" "$tmp"
echo "README example ok"
echo "package ok: $tarball"
