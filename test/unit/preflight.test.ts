import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, isPreflightError, leaseRegistry, probes } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLeaseStore } from './registry/fake-lease-store.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());

function setup(options: ConstructorParameters<typeof FakeCluster>[0] = {}) {
  cluster = new FakeCluster(options);
  return createChaos({ cluster, handleSignals: false });
}

async function refusal(run: Promise<unknown>) {
  const error = await run.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(isPreflightError(error)).toBe(true);
  // A refusal changes nothing and leaves nothing running.
  expect(cluster.writes).toEqual([]);
  expect(cluster.watchers).toBe(0);
  return error as Error & { code: string };
}

const body = async () => {
  throw new Error('the body must not run after a refusal');
};

describe('preflight refusals change nothing', () => {
  it('refuses an empty selector (map or string) before any API call', async () => {
    const chaos = setup();
    expect((await refusal(chaos.podKill({ namespace: 'shop', selector: {} }).during(body))).code).toBe('EMPTY_SELECTOR');
    expect((await refusal(chaos.podKill({ namespace: 'shop', selector: '  ' }).during(body))).code).toBe('EMPTY_SELECTOR');
    expect(cluster.reads).toEqual([]);
  });

  it('refuses a selector that matches nothing', async () => {
    const chaos = setup();
    const error = await refusal(chaos.podKill({ namespace: 'shop', selector: { app: 'nope' } }).during(body));
    expect(error.code).toBe('NO_TARGETS');
    expect(error.message).toContain('app=nope');
  });

  it('refuses when every matching pod is excluded or not ready', async () => {
    const chaos = setup({ replicas: 2 });
    const error = await refusal(
      chaos.podKill({ namespace: 'shop', selector: { app: 'web' }, exclude: { names: ['web-0', 'web-1'] } }).minAvailable(0).during(body),
    );
    expect(error.code).toBe('NO_TARGETS');
  });

  it.each(['kube-system', 'kube-public', 'kube-node-lease'])('refuses the protected namespace %s without reading it', async (ns) => {
    const chaos = setup({ namespace: ns });
    const error = await refusal(chaos.podKill({ namespace: ns, selector: { app: 'web' } }).during(body));
    expect(error.code).toBe('PROTECTED_NAMESPACE');
    expect(cluster.reads).toEqual([]);
  });

  it('honours custom protected namespaces and an allowlist', async () => {
    cluster = new FakeCluster();
    const strict = createChaos({ cluster, handleSignals: false, protectedNamespaces: ['shop'] });
    expect((await refusal(strict.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(body))).code).toBe('PROTECTED_NAMESPACE');
    const allow = createChaos({ cluster, handleSignals: false, allowedNamespaces: ['staging'] });
    const error = await refusal(allow.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(body));
    expect(error.message).toContain('allowedNamespaces');
  });

  it('refuses a blast radius that would leave fewer than minAvailable ready pods', async () => {
    const chaos = setup({ replicas: 3 });
    const t = { namespace: 'shop', selector: { app: 'web' } };
    expect((await refusal(chaos.podKill(t).count(3).during(body))).code).toBe('BLAST_RADIUS');
    expect((await refusal(chaos.podKill(t).count(2).minAvailable(2).during(body))).code).toBe('BLAST_RADIUS');
    expect((await refusal(chaos.podKill(t).percent(100).during(body))).code).toBe('BLAST_RADIUS');
  });

  it('names every missing permission (verb, resource, namespace)', async () => {
    const chaos = setup({ deny: ['delete pods', 'create events'] });
    const error = (await refusal(chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(body))) as Error & {
      code: string;
      missing: unknown[];
    };
    expect(error.code).toBe('RBAC_FORBIDDEN');
    expect(error.missing).toEqual([
      { verb: 'delete', resource: 'pods', group: '', namespace: 'shop' },
      { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: 'shop' },
    ]);
    expect(error.message).toContain('delete pods in namespace "shop"');
    expect(error.message).toContain('create events.events.k8s.io in namespace "shop"');
  });

  it('checks the permissions probes need too', async () => {
    const chaos = setup({ deny: ['watch pods'] });
    const error = await refusal(
      chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).probe(probes.readiness({ kind: 'Deployment', name: 'web' })).during(body),
    );
    expect(error.message).toContain('watch pods');
  });

  it('refuses to start when health is already below the threshold', async () => {
    const chaos = setup();
    const error = (await refusal(
      chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9).probe(probes.custom(() => 0.5, { name: 'sick' })).during(body),
    )) as Error & { code: string; health: number; probes: Record<string, number> };
    expect(error.code).toBe('HEALTH_BELOW_THRESHOLD');
    expect(error.health).toBe(0.5);
    expect(error.probes).toEqual({ sick: 0.5 });
  });

  it('refuses when a probe cannot give a first reading', async () => {
    const chaos = setup();
    const error = await refusal(
      chaos
        .podKill({ namespace: 'shop', selector: { app: 'web' } })
        .withSafety(0.5)
        .probe(probes.custom(() => {
          throw new Error('down');
        }))
        .during(body),
    );
    // It could never guard the run: refused as a probe failure that names the probe.
    expect(error).toMatchObject({ code: 'PROBE_FAILED', probe: 'custom' });
    expect(error.message).toContain('down');
  });

  it('reads the probes while it reads the cluster: a hanging probe refuses within one probe timeout plus 200 ms', async () => {
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const chaos = setup();
      // A slow API server: every pod list takes 300 ms.
      const list = cluster.listPods.bind(cluster);
      (cluster as { listPods: typeof list }).listPods = async (...args) => {
        await new Promise((r) => setTimeout(r, 300));
        return list(...args);
      };
      const url = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/health`;
      const started = performance.now();
      const error = await refusal(chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.5).probe(probes.http(url, { timeout: '400ms' })).during(body));
      const ms = performance.now() - started;
      expect(error.code).toBe('HEALTH_BELOW_THRESHOLD');
      // Probes read after the cluster: 300 ms of lists + 400 ms; warm-up one request at a time: 5 x 400 ms.
      expect(ms).toBeLessThan(400 + 200);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('start() refuses the same way', async () => {
    const chaos = setup();
    expect((await refusal(chaos.podKill({ namespace: 'shop', selector: { app: 'zzz' } }).start())).code).toBe('NO_TARGETS');
  });
});

describe('preflight checks what the registry needs', () => {
  it('refuses, naming the Lease verbs, when the registry cannot hold its Lease', async () => {
    cluster = new FakeCluster({ deny: ['create leases', 'watch leases'] });
    // The target's breaker is read from the registry's store before preflight: an empty one.
    const registry = leaseRegistry({ store: new FakeLeaseStore() });
    const chaos = createChaos({ cluster, handleSignals: false, registry });
    const error = (await refusal(chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).during(body))) as Error & { code: string; missing: unknown[] };
    expect(error.missing).toEqual([
      { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' },
      { verb: 'watch', resource: 'leases', group: 'coordination.k8s.io', namespace: 'shop' },
    ]);
    expect(error.message).toContain('create leases.coordination.k8s.io in namespace "shop"');
  });

  it('does not ask a dry run for registry permissions: a dry run holds no Lease', async () => {
    cluster = new FakeCluster({ deny: ['create leases'], listDelayMs: 20 });
    const chaos = createChaos({ cluster, handleSignals: false, registry: leaseRegistry() });
    const report = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).dryRun().during(async () => {});
    expect(report.kills).toEqual([]);
    // A body that returns at once still gets the dry run's answer.
    expect(report.wouldKill).toHaveLength(1);
    expect(cluster.writes).toEqual([]);
  });
});
