// Run events reach observers in lifecycle order: the hook that the audit trail, metrics and the
// vitest fixture are built on.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, probes, type RunEvent } from '../../src/index.ts';
import { dial, FakeCluster } from './support/fake-cluster.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(events: RunEvent[], extra: Parameters<typeof createChaos>[0] = {}) {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
  return createChaos({ cluster, handleSignals: false, observers: [(e) => events.push(e)], ...extra });
}

describe('run observers', () => {
  it('see preflight, inject, a kill per delete, samples, stop, revert and finish, in that order', async () => {
    const events: RunEvent[] = [];
    const report = await setup(events)
      .podKill(target)
      .every('100ms')
      .for('250ms')
      .probe(probes.custom(() => 1, { name: 'c' }))
      .during(() => sleep(300));
    const actions = events.filter((e) => e.action !== 'sample').map((e) => e.action);
    expect(actions).toEqual(['preflight', 'inject', ...report.kills.map(() => 'kill'), 'stop', 'revert', 'finish']);
    expect(events.some((e) => e.action === 'sample')).toBe(true);
    for (const e of events) expect(e).toMatchObject({ runId: report.id, fault: 'pod-kill', engine: 'native', namespace: 'shop' });
    const kills = events.filter((e) => e.action === 'kill');
    expect(kills.map((k) => k.pod)).toEqual(report.kills.map((k) => k.pod));
    const finish = events.at(-1) as Extract<RunEvent, { action: 'finish' }>;
    expect(finish).toMatchObject({ outcome: 'passed', kills: report.kills.length, reason: null });
    expect(finish.report).toEqual(report);
    const revert = events.find((e) => e.action === 'revert') as Extract<RunEvent, { action: 'revert' }>;
    expect(revert.stopLatencyMs).toBeGreaterThanOrEqual(0);
    expect(revert.leftovers).toBe(0);
  });

  it('report a safety abort as `abort` with its cause, and a refusal as `refuse` with its code', async () => {
    const events: RunEvent[] = [];
    const health = dial(1);
    const chaos = setup(events);
    await chaos
      .podKill(target)
      .every('50ms')
      .for('5s')
      .withSafety(0.5)
      .probe(probes.custom(health.get, { name: 'dial' }))
      .during(async ({ signal }) => {
        await sleep(120);
        health.set(0);
        await new Promise((r) => signal.addEventListener('abort', r));
      })
      .catch(() => {});
    const abort = events.find((e) => e.action === 'abort');
    expect(abort).toMatchObject({ cause: 'safety' });
    expect(events.at(-1)).toMatchObject({ action: 'finish', outcome: 'aborted' });

    events.length = 0;
    await chaos.podKill({ namespace: 'shop', selector: { app: 'nothing' } }).during(() => {}).catch(() => {});
    expect(events.map((e) => e.action)).toEqual(['preflight', 'refuse']);
    expect(events[1]).toMatchObject({ code: 'NO_TARGETS' });
  });

  it('never let a throwing observer change the run; the throw is logged', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
    const chaos = createChaos({ cluster, handleSignals: false, logger, observers: [() => { throw new Error('observer bug'); }] });
    const report = await chaos.podKill(target).during(() => sleep(20));
    expect(report.outcome).toBe('passed');
    expect(warnings).toContain('run observer threw');
  });

  it('rejects observers that are not functions, naming the option', () => {
    cluster = new FakeCluster({});
    expect(() => createChaos({ cluster, observers: [42 as never] })).toThrow(/`observers\[0\]`/);
  });
});
