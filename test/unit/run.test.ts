import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, probes, reportOf, type Report } from '../../src/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(options: ConstructorParameters<typeof FakeCluster>[0] = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20, ...options });
  return createChaos({ cluster, handleSignals: false });
}

describe('pod kill with during()', () => {
  it('kills one pod per round, writes an event per kill on the Deployment, and reports', async () => {
    const chaos = setup();
    const report = await chaos
      .podKill(target)
      .every('100ms')
      .for('350ms')
      .withSafety(0.5)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .during(() => sleep(500));

    expect(report.outcome).toBe('passed');
    // Rounds at 0, 100, 200, 300 ms; on a loaded machine the last one may slip past the bound.
    expect(report.kills.length).toBeGreaterThanOrEqual(3);
    expect(report.kills.length).toBeLessThanOrEqual(4);
    expect(cluster.deletes.map((d) => d.uid)).toEqual(report.kills.map((k) => k.uid));
    expect(cluster.deletes.every((d) => d.grace === 0)).toBe(true);
    expect(report.kills.map((k) => k.round)).toEqual([0, 1, 2, 3].slice(0, report.kills.length));
    const kills = cluster.events.filter((e) => e.reason === 'ChaosPodKilled').map((e) => [e.regarding.kind, e.regarding.name, e.related?.kind]);
    expect(kills).toEqual(Array(report.kills.length).fill(['Deployment', 'web', 'Pod']));
    // The audit trail: inject, each kill, stop, revert, all on the Deployment (written in the background, so any order).
    expect(cluster.events.map((e) => e.reason).sort()).toEqual(['ChaosInjected', 'ChaosReverted', 'ChaosStopped', ...Array(report.kills.length).fill('ChaosPodKilled')].sort());
    expect(cluster.events.every((e) => e.regarding.kind === 'Deployment' && e.regarding.name === 'web')).toBe(true);
    expect(cluster.events.find((e) => e.reason === 'ChaosInjected')?.note).toMatch(/pod-kill of 1 pod\(s\) matching "app=web", every 100 ms for at most 350 ms, grace period 0s, engine native/);
    for (const e of cluster.events) {
      expect(e.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubechaos', 'kubechaos.dev/run-id': report.id });
    }
    expect(report.minHealth).toBeLessThan(1);
    expect(report.minHealth).toBeGreaterThanOrEqual(0.5);
  });

  it('produces a JSON-serialisable report of the documented shape', async () => {
    const chaos = setup();
    const report = await chaos.podKill(target).probe(probes.custom(() => 0.9, { name: 'c' })).during(() => sleep(50));
    const copy = JSON.parse(JSON.stringify(report)) as Report;
    expect(copy).toEqual(report);
    expect(Object.keys(copy).sort()).toEqual(
      ['abortReason', 'breaker', 'dryRun', 'endedAt', 'engine', 'fault', 'id', 'kills', 'leftovers', 'minHealth', 'outcome', 'retries', 'skippedRounds', 'stalls', 'startedAt', 'stopCause', 'stoppedAt', 'target', 'threshold', 'timeToRecover', 'timeline', 'wouldKill'].sort(),
    );
    expect(copy).toMatchObject({
      fault: 'pod-kill',
      engine: 'native',
      target: { namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null } },
      outcome: 'passed',
      abortReason: null,
      leftovers: [],
      breaker: [],
      dryRun: false,
      minHealth: 0.9,
    });
    expect(copy.id).toMatch(/^kc-[0-9a-f]{10}$/);
    expect(copy.kills).toHaveLength(1);
    expect(copy.kills[0]).toEqual({ pod: expect.any(String), uid: expect.any(String), at: expect.any(String), round: 0 });
    expect(copy.timeline[0]).toEqual({ t: expect.any(String), health: 0.9, probes: { c: 0.9 } });
    expect(Date.parse(copy.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(copy.startedAt));
    expect(Object.isFrozen(report)).toBe(true);
  });

  it('never kills a terminating, unready or excluded pod', async () => {
    const chaos = setup({ replicas: 0, replace: false });
    const terminating = cluster.addPod({ terminating: true });
    const unready = cluster.addPod({ ready: false });
    const excluded = cluster.addPod();
    const canary = cluster.addPod({ labels: { app: 'web', track: 'canary' } });
    const victim = cluster.addPod();
    cluster.addPod(); // keeps minAvailable satisfied
    const report = await chaos
      .podKill({ ...target, exclude: { names: [excluded.name], selector: 'track=canary' } })
      .minAvailable(0)
      .count(1)
      .every('20ms')
      .for('200ms')
      .during(() => sleep(250));
    const killed = new Set(report.kills.map((k) => k.uid));
    for (const spared of [terminating, unready, excluded, canary]) expect(killed.has(spared.uid)).toBe(false);
    expect(killed.has(victim.uid) || killed.size > 0).toBe(true);
  });

  it('clamps rounds so that minAvailable ready pods remain', async () => {
    const chaos = setup({ replicas: 3, replace: false });
    const report = await chaos.podKill(target).count(2).minAvailable(1).every('20ms').for('200ms').during(() => sleep(250));
    expect(report.kills).toHaveLength(2); // 2 in the first round, none after: 1 must remain
    expect(cluster.pods.size).toBe(1);
  });

  it('kills percent of the candidates, rounded up', async () => {
    const chaos = setup({ replicas: 5, replace: false });
    const report = await chaos.podKill(target).percent(30).during(() => sleep(20));
    expect(report.kills).toHaveLength(2);
  });

  it('dryRun reports the pods it would kill and changes nothing', async () => {
    const chaos = setup();
    const report = await chaos.podKill(target).count(2).dryRun().every('10ms').for('100ms').during(() => sleep(120));
    expect(report.dryRun).toBe(true);
    expect(report.kills).toEqual([]);
    expect(report.wouldKill).toHaveLength(2);
    expect(report.wouldKill.every((p) => [...cluster.pods.values()].some((q) => q.uid === p.uid))).toBe(true);
    expect(cluster.writes).toEqual([]);
  });

  it('rethrows the body error with the report attached, after teardown', async () => {
    const chaos = setup();
    const boom = new Error('boom');
    const error = await chaos
      .podKill(target)
      .every('20ms')
      .for('10s')
      .during(async () => {
        await sleep(70);
        throw boom;
      })
      .catch((e: unknown) => e);
    const thrownAt = Date.now();
    expect(error).toBe(boom);
    const report = reportOf(error);
    expect(report?.outcome).toBe('failed');
    expect(report?.abortReason).toContain('boom');
    expect(report?.kills.length).toBeGreaterThan(0);
    const deletesBefore = cluster.deletes.length;
    await sleep(100);
    expect(cluster.deletes.length).toBe(deletesBefore); // the fault is stopped
    expect(cluster.deletes.every((d) => d.at <= thrownAt)).toBe(true);
  });

  it('ends the fault when `for` elapses while the body keeps running', async () => {
    const chaos = setup();
    let deletesWhenBodyEnded = -1;
    const report = await chaos
      .podKill(target)
      .every('20ms')
      .for('100ms')
      .during(async () => {
        await sleep(250);
        deletesWhenBodyEnded = cluster.deletes.length;
      });
    expect(deletesWhenBodyEnded).toBe(report.kills.length);
    expect(report.kills.length).toBeGreaterThanOrEqual(3);
    expect(report.kills.length).toBeLessThanOrEqual(6);
  });

  it('expectRecovery waits for health and records the time to recover', async () => {
    const chaos = setup({ readyAfterMs: 150 });
    const report = await chaos
      .podKill(target)
      .withSafety(0.5)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .expectRecovery({ within: '2s', threshold: 1 })
      .during(() => sleep(10));
    expect(report.outcome).toBe('passed');
    expect(report.timeToRecover).toBeGreaterThan(50);
    expect(report.timeToRecover).toBeLessThan(1000);
  });

  it('expectRecovery fails with RecoveryError when health stays low', async () => {
    const chaos = setup({ replace: false });
    const error = await chaos
      .podKill(target)
      .withSafety(0.5)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .expectRecovery({ within: '200ms', threshold: 1 })
      .during(() => sleep(10))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RECOVERY_TIMEOUT', report: { outcome: 'failed', timeToRecover: null } });
  });

  it('the body can read health and stop the experiment itself', async () => {
    const chaos = setup();
    const report = await chaos
      .podKill(target)
      .every('20ms')
      .for('10s')
      .probe(probes.custom(() => 0.8))
      .during(async ({ health, experiment, signal }) => {
        await sleep(50);
        expect(health()).toBe(0.8);
        experiment.stop('seen enough');
        expect(signal.aborted).toBe(true);
        await sleep(50); // the body still finishes
      });
    expect(report.outcome).toBe('passed');
    expect(report.abortReason).toBe('seen enough');
  });
});
