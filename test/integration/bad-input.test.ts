// Issue 9, "bad input is refused before the cluster is touched", on the real control plane:
// inputs that used to run (`--for 30` ran for 30 ms and killed a pod; an invalid namespace was
// listed, then reported as NO_TARGETS) are refused with a TypeError or exit 2, and the
// namespace is left exactly as it was. The property tests (test/unit/validation-properties)
// count requests at the port; here the cluster itself shows that nothing changed.
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChaos, probes } from '../../src/index.ts';
import { createTestNamespace, deployHttpApp, loadKubeConfig } from '../cluster/fixtures.ts';
import { cli } from './registry-support.ts';
import { snapshot } from './support/snapshot.ts';

let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'bad-input');
  await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: false });
});

describe('bad input on the real control plane', () => {
  it('the SDK refuses an invalid namespace, a probe URL without a scheme and every(0.4) with TypeErrors, and nothing changes', async () => {
    const before = await snapshot(kc, namespace);
    const chaos = createChaos({ kubeConfig: kc, handleSignals: false });
    expect(() => chaos.podKill({ namespace: namespace.toUpperCase(), selector: { app: 'web' } })).toThrow(/Expected `namespace` to be a namespace name/);
    expect(() => probes.http(`web.${namespace}/health`)).toThrow(`add the scheme: "http://web.${namespace}/health"`);
    expect(() => chaos.podKill({ namespace, selector: { app: 'web' } }).every(0.4)).toThrow(/`every`.*whole milliseconds/);
    expect(await snapshot(kc, namespace)).toEqual(before);
  });

  it('`kubechaos run --for 30` exits 2 suggesting --for 30s, and kills nothing (it used to run for 30 ms)', async () => {
    const before = await snapshot(kc, namespace);
    const result = await cli(['run', '--target', 'app=web', '-n', namespace, '--count', '1', '--for', '30']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('write --for 30s for 30 seconds');
    const wrongNamespace = await cli(['run', '--target', 'app=web', '-n', `${namespace}_x`, '--count', '1']);
    expect(wrongNamespace.code, wrongNamespace.stderr).toBe(2);
    expect(wrongNamespace.stderr).toContain('-n/--namespace must be a namespace name');
    expect(await snapshot(kc, namespace)).toEqual(before);
  });

  it('`kubechaos create -f` refuses `every: 5` (no unit) naming spec.every, and kills nothing', async () => {
    const before = await snapshot(kc, namespace);
    const file = `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
metadata: { namespace: ${namespace} }
spec:
  target: { selector: app=web }
  count: 1
  every: 5
  for: 2s
`;
    const result = await cli(['create', '-f', '-'], { input: file });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('<stdin>:7:10: spec.every: expected a duration with a unit, got 5: write 5s for 5 seconds (or 5ms)');
    expect(result.stderr).toContain('Nothing was created.');
    expect(await snapshot(kc, namespace)).toEqual(before);
  });
});
