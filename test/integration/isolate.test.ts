// Issue 11, part 2, "must show" for the isolate fault, on the real control plane with the test
// bed's NetworkPolicy enforcement (test/cluster/network-policy.ts): requests to isolated pods
// fail while other pods answer, egress from isolated pods fails; the policy removed and traffic
// back at the normal end, at once after a safety abort, by the reaper after the owner is
// SIGKILLed; refusals that write nothing; dry run; the CLI and experiment files.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KubeConfig, NetworkingV1Api, type V1NetworkPolicy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, isReady, listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { outsideReaches, podReaches } from '../cluster/pod-traffic.ts';
import { createChaos, getRun, noopRegistry, probes, reap, reportOf } from '../../src/index.ts';
import { cli, startCli } from './registry-support.ts';
import { apiUser } from './support/api-users.ts';
import { chaosEvents, snapshot } from './support/snapshot.ts';
import { sigkill, startedChild } from './support/started-child.ts';
import { expectUndoneAtAbort, untilAborted } from './support/safety-abort.ts';
import { expectCliRefusals } from './support/cli-refusals.ts';

const CHILD = fileURLToPath(new URL('./support/isolate-child.ts', import.meta.url));
/** A denied TCP connection is dropped (its SYN retransmitted): a request fails by this timeout. */
const DENIED_TIMEOUT_MS = 600;
const url = (ip: string) => `http://${ip}:8080/`;
const outside = (to: string) => outsideReaches(to, DENIED_TIMEOUT_MS);
const reaches = (from: string, to: string) => podReaches(from, to, DENIED_TIMEOUT_MS);

let kc: KubeConfig;
let namespace: string;
const ip = { web: [] as string[], other: [] as string[] };
const children: ChildProcess[] = [];
const target = () => ({ namespace, selector: { app: 'web' } });

async function podIPs(app: string): Promise<string[]> {
  return (await listPods(kc, namespace, `app=${app}`)).filter(isReady).map((p) => p.status!.podIP!).sort();
}

async function policies(): Promise<V1NetworkPolicy[]> {
  return (await kc.makeApiClient(NetworkingV1Api).listNamespacedNetworkPolicy({ namespace })).items;
}

/** Every web pod cut from outside (directly and through the Service), `other` still answering. */
async function webCut(): Promise<boolean> {
  for (const x of ip.web) if (await outside(url(x))) return false;
  return !(await outside(`http://web.${namespace}/`)) && (await outside(url(ip.other[0]!))) && (await outside(`http://other.${namespace}/`));
}

/** Every web pod answers again, directly and through the Service. */
async function webBack(): Promise<boolean> {
  for (const x of ip.web) if (!(await outside(url(x)))) return false;
  return outside(`http://web.${namespace}/`);
}

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'isolate');
  await Promise.all([deployHttpApp(kc, { namespace, name: 'web', replicas: 2 }), deployHttpApp(kc, { namespace, name: 'other', replicas: 1 })]);
  ip.web = await podIPs('web');
  ip.other = await podIPs('other');
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('isolate on the real control plane (NetworkPolicy enforced by the test bed)', () => {
  it('ingress: requests to the web pods fail while other pods answer, the pods stay Ready; the policy is removed and traffic is back at the normal end', async () => {
    expect(await webBack()).toBe(true);
    const chaos = createChaos({ kubeConfig: kc });
    let during: V1NetworkPolicy[] = [];
    // No probe: the default health is the readiness of web, which the policy does not cut.
    const report = await chaos.isolate(target()).ingress().for('60s').withSafety(0.9).during(async ({ signal }) => {
      await waitUntil('the web pods to be cut from outside', async () => (await webCut()) || undefined, 15_000, 50);
      during = await policies();
      // Pods inside the cluster are cut too; web's own requests (egress) are not.
      expect(await reaches(ip.other[0]!, url(ip.web[0]!))).toBe(false);
      expect(await reaches(ip.web[0]!, url(ip.other[0]!))).toBe(true);
      signal.throwIfAborted();
    });

    expect(during).toHaveLength(1);
    expect(during[0]!.metadata!.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': report.id });
    expect(during[0]!.spec).toMatchObject({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });
    expect(report).toMatchObject({ outcome: 'passed', fault: 'isolate', engine: 'native', minHealth: 1, leftovers: [] });
    expect(report.isolate).toMatchObject({ policy: during[0]!.metadata!.name, direction: 'ingress', pods: expect.arrayContaining([expect.stringMatching(/^web-/)]) });
    expect(report.isolate!.pods).toHaveLength(2);
    expect(report.isolate!.createdAt).not.toBeNull();
    expect(report.isolate!.removedAt).not.toBeNull();
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);

    const events = await chaosEvents(kc, namespace, report.id);
    for (const reason of ['ChaosInjected', 'ChaosStopped', 'ChaosReverted']) expect(events.filter((e) => e.reason === reason), reason).toHaveLength(1);
    expect(events.find((e) => e.reason === 'ChaosInjected')?.note).toContain('isolate (ingress) of the pods matching "app=web"');
  });

  it('egress (and both): the web pods reach nothing while others still reach them; back at the end', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const report = await chaos.isolate(target(), { direction: 'egress' }).for('60s').during(async () => {
      await waitUntil('web to be cut from other', async () => !(await reaches(ip.web[0]!, url(ip.other[0]!))) || undefined, 15_000, 50);
      for (const from of ip.web) {
        expect(await reaches(from, url(ip.other[0]!))).toBe(false);
        expect(await reaches(from, `http://other.${namespace}/`)).toBe(false);
      }
      expect(await reaches(ip.other[0]!, url(ip.web[1]!))).toBe(true);
      expect(await outside(url(ip.web[0]!))).toBe(true);
    });
    expect(report).toMatchObject({ outcome: 'passed', isolate: { direction: 'egress' } });
    await waitUntil('web to reach other again', async () => (await reaches(ip.web[0]!, url(ip.other[0]!))) || undefined, 15_000, 50);

    const both = await chaos.isolate(target()).for('60s').during(async () => {
      await waitUntil('web to be cut both ways', async () => (!(await reaches(ip.web[0]!, url(ip.other[0]!))) && (await webCut())) || undefined, 15_000, 50);
    });
    expect(both.isolate!.direction).toBe('both');
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer and reach again', async () => ((await webBack()) && (await reaches(ip.web[1]!, url(ip.other[0]!)))) || undefined, 15_000, 50);
  });

  it('a safety abort (a probe of the isolated service) removes the policy at once', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const report = await chaos
      .isolate(target())
      .ingress()
      .for('60s')
      .withSafety(0.9)
      .probe(probes.http(`http://web.${namespace}/`, { timeout: '300ms', interval: '100ms', window: '1s' }))
      .onAbort('report')
      .during(untilAborted);

    expectUndoneAtAbort(report, report.isolate!.removedAt);
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);
  });

  it('stops from anywhere: exp.stop() and `kubechaos stop NAME` (the registry) both remove the policy', async () => {
    const chaos = createChaos({ kubeConfig: kc });
    const local = await chaos.isolate(target()).ingress().for('5m').start();
    await waitUntil('the web pods to be cut', async () => (await webCut()) || undefined, 15_000, 50);
    const stopped = await local.stop('enough');
    expect(stopped).toMatchObject({ stopCause: 'stop', isolate: { direction: 'ingress' } });
    expect(stopped.isolate!.removedAt).not.toBeNull();
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);

    const remote = await chaos.isolate(target()).ingress().for('5m').with({ name: 'web-cut' }).start();
    await waitUntil('the web pods to be cut', async () => (await webCut()) || undefined, 15_000, 50);
    const res = await cli(['stop', 'web-cut', '-n', namespace], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const report = await remote.done.then((r) => r, (e: unknown) => reportOf(e)!);
    expect(report.stopCause).toBe('registry');
    expect(report.isolate!.removedAt).not.toBeNull();
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);
  });

  it('after the owner is SIGKILLed, the reaper deletes the policy (the restore step in the Lease)', async () => {
    const { child, id } = await startedChild(CHILD, { namespace, ttl: '3s' });
    children.push(child);
    const [policy] = await policies();
    const run = await getRun(id, { kubeConfig: kc, namespace });
    expect(run?.restore).toEqual([{ op: 'delete', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace, name: policy!.metadata!.name } }]);
    await waitUntil('the web pods to be cut', async () => (await webCut()) || undefined, 15_000, 50);

    await sigkill(child);
    // Nobody removes it while the owner is gone and its Lease has not expired.
    expect(await policies()).toHaveLength(1);
    await waitUntil("the dead run's Lease to expire", async () => (await getRun(id, { kubeConfig: kc, namespace }))?.state === 'stale', 15_000, 200);
    const reaped = (await reap({ kubeConfig: kc, namespaces: [namespace] })).reaped.find((r) => r.run.id === id);
    expect(reaped).toMatchObject({ restored: 1, errors: [] });
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);
  });

  it('refusals write nothing: no pod matches, no right to delete NetworkPolicies, minAvailable above 0, another policy that allows the traffic; a dry run writes nothing either', async () => {
    const before = await snapshot(kc, namespace);
    const chaos = createChaos({ kubeConfig: kc });
    const none = await chaos.isolate({ namespace, selector: { app: 'nope' } }).during(() => {}).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'NO_TARGETS', isPreflightError: true });
    const radius = await chaos.isolate(target()).minAvailable(1).during(() => {}).catch((e: unknown) => e);
    expect(radius).toMatchObject({ code: 'BLAST_RADIUS' });

    // A user who may create NetworkPolicies but not delete them: the run could not undo itself.
    const { token } = await apiUser(kc, namespace, 'isolate-no-delete', [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] },
    ]);
    const user = new KubeConfig();
    const cluster = kc.getCurrentCluster()!;
    user.loadFromOptions({ clusters: [cluster], users: [{ name: 'sa', token }], contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa', namespace }], currentContext: 'sa' });
    const forbidden = await createChaos({ kubeConfig: user, registry: noopRegistry, handleSignals: false }).isolate(target()).during(() => {}).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: 'RBAC_FORBIDDEN' });
    expect((forbidden as Error).message).toContain('delete networkpolicies');

    // Another policy that lets traffic in to web: policies add up, the isolate would not cut it.
    const net = kc.makeApiClient(NetworkingV1Api);
    await net.createNamespacedNetworkPolicy({ namespace, body: { metadata: { name: 'allow-web-in' }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] } } });
    try {
      const bypassed = await chaos.isolate(target()).ingress().during(() => {}).catch((e: unknown) => e);
      expect(bypassed).toMatchObject({ code: 'ISOLATION_BYPASSED', policies: ['allow-web-in'] });
      expect((await policies()).map((p) => p.metadata!.name)).toEqual(['allow-web-in']);
    } finally {
      await net.deleteNamespacedNetworkPolicy({ namespace, name: 'allow-web-in' });
    }

    const dry = await chaos.isolate(target()).egress().dryRun().during(() => {});
    expect(dry).toMatchObject({ dryRun: true, outcome: 'passed', isolate: { direction: 'egress', createdAt: null, removedAt: null } });
    expect(dry.isolate!.pods).toHaveLength(2);
    expect(await policies()).toEqual([]);
    expect(await snapshot(kc, namespace)).toEqual(before);
    expect(await webBack()).toBe(true);
  });

  it('kubechaos run --type isolate --selector --direction, and create -f with kind: Isolate: cut, removed, the report printed', async () => {
    const run = startCli(['run', '--type', 'isolate', '--selector', 'app=web', '-n', namespace, '--direction', 'ingress', '--for', '6s', '-o', 'json', '--ttl', '5s'], { timeoutMs: 60_000 });
    await waitUntil('the web pods to be cut', async () => (await webCut()) || undefined, 30_000, 50);
    const { code, stdout, stderr } = await run.result;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { fault: string; outcome: string; isolate: { direction: string; pods: string[]; removedAt: string | null } };
    expect(report).toMatchObject({ fault: 'isolate', outcome: 'passed', isolate: { direction: 'ingress' } });
    expect(report.isolate.pods).toHaveLength(2);
    expect(report.isolate.removedAt).not.toBeNull();
    expect(await policies()).toEqual([]);
    await waitUntil('web to answer again', async () => (await webBack()) || undefined, 15_000, 50);

    const file = `apiVersion: kubechaos.dev/v1alpha1\nkind: Isolate\nmetadata:\n  name: web-egress\n  namespace: ${namespace}\nspec:\n  target: { selector: app=web }\n  direction: egress\n  for: 4s\n`;
    const created = startCli(['create', '-f', '-', '-o', 'json', '--ttl', '5s'], { input: file, timeoutMs: 60_000 });
    await waitUntil('web to be cut from other', async () => !(await reaches(ip.web[0]!, url(ip.other[0]!))) || undefined, 30_000, 50);
    const fromFile = await created.result;
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ fault: 'isolate', outcome: 'passed', isolate: { direction: 'egress' } });
    expect(await policies()).toEqual([]);
    await waitUntil('web to reach other again', async () => (await reaches(ip.web[0]!, url(ip.other[0]!))) || undefined, 15_000, 50);

    await expectCliRefusals(kc, namespace, [
      [['run', '--type', 'isolate', '--selector', 'app=web', '-n', namespace, '--count', '2'], 2, '--count'],
      [['run', '--type', 'isolate', '--selector', 'app=nope', '-n', namespace], 5, 'refused (NO_TARGETS)'],
    ]);
  });
});
