// `kubechaos create -f` with a LitmusChaos ChaosEngine: a refused file exits 2 with file:line
// before any call to the cluster (the kubeconfig points at a closed port).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { ENGINE_3X, edit, lineOf } from '../litmus-file/fixtures.ts';

function io(files: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const value: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async (path) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path]!;
    },
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'kc-create-'));
const kubeconfig = join(dir, 'config');
writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);

describe('kubechaos create -f <ChaosEngine>', () => {
  it('an unknown field: exit 2, file:line:column and the field, nothing created', async () => {
    const text = edit(ENGINE_3X, '  engineState: active\n', '  engineState: active\n  enginState: active\n');
    const t = io({ 'engine.yaml': text });
    expect(await main(['create', '-f', 'engine.yaml', '--kubeconfig', kubeconfig], t.io)).toBe(2);
    expect(t.err()).toBe(`error: engine.yaml:${lineOf(text, 'enginState')}:3: spec.enginState: unknown field "enginState" in spec (known fields: engineState, annotationCheck, defaultHealthCheck, jobCleanUpPolicy, chaosServiceAccount, terminationGracePeriodSeconds, appinfo, selectors, auxiliaryAppInfo, components, experiments)\nNothing was created.\n`);
  });

  it('stdin is <stdin>; -n must agree with the file\'s namespace; a bad --safety-threshold names the flag', async () => {
    const bad = io({ '-': edit(ENGINE_3X, 'kind: ChaosEngine', 'kind: ChaosExperiment') });
    expect(await main(['create', '-f', '-', '--kubeconfig', kubeconfig], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/^error: <stdin>:2:7: kind: expected "ChaosEngine", got "ChaosExperiment"/);

    const other = io({ '-': ENGINE_3X });
    expect(await main(['create', '-f', '-', '-n', 'other', '--kubeconfig', kubeconfig], other.io)).toBe(2);
    expect(other.err()).toContain("the ChaosEngine's namespace (shop) does not match -n other");

    const threshold = io({ '-': ENGINE_3X });
    expect(await main(['create', '-f', '-', '--safety-threshold', '2', '--kubeconfig', kubeconfig], threshold.io)).toBe(2);
    expect(threshold.err()).toMatch(/--safety-threshold/);
  });

  it('a kubechaos file is still read as one, and names both apiVersions it could be', async () => {
    const t = io({ 'exp.yaml': 'apiVersion: chaos.example/v1\nkind: PodKill\nspec: {}\n' });
    expect(await main(['create', '-f', 'exp.yaml', '--kubeconfig', kubeconfig], t.io)).toBe(2);
    expect(t.err()).toContain('exp.yaml:1:13: apiVersion: expected "kubechaos.dev/v1alpha1" (a kubechaos experiment file) or "litmuschaos.io/v1alpha1" (a LitmusChaos ChaosEngine), got "chaos.example/v1"\nNothing was created.');
  });
});
