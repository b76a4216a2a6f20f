// A Litmus experiment ends by itself (TOTAL_CHAOS_DURATION after its runner and pod start), so the
// run ends when the ChaosEngine is completed, and `for` plus the engine's overrun is only the
// hard bound. Before, the run was stopped at `for`, and a real experiment always ended Stopped.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, type ChaosOptions } from '../../src/index.ts';
import { LITMUS_FINALIZER, litmusEngine } from '../../src/engines/litmus/index.ts';
import { waitUntil } from '../cluster/wait.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());
const target = { namespace: 'shop', selector: { app: 'web' } };

function setup() {
  cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
  const litmus = new FakeLitmus();
  const chaos = createChaos({ cluster, handleSignals: false, audit: false, litmus: { client: litmus } } as ChaosOptions);
  return { chaos, litmus };
}

const initialised = (litmus: FakeLitmus) => waitUntil('the engine initialised', async () => {
  const engine = litmus.of('chaosengines')[0];
  return engine?.metadata?.finalizers?.includes(LITMUS_FINALIZER) && engine.metadata.name;
}, 5_000, 5);

describe('the end of a Litmus run', () => {
  it('start(): exp.done resolves when the engine completes, long before `for` (1 min); the engine is then deleted', async () => {
    const { chaos, litmus } = setup();
    const exp = await chaos.litmus('pod-delete', target).for('1m').start();
    litmus.complete('shop', await initialised(litmus));
    const report = await exp.done;
    expect(report.stopCause).toBe('deadline');
    expect(report.outcome).toBe('passed');
    expect(report.litmus).toMatchObject({ engineStatus: 'completed', deleted: true });
    // Completed engines are not stopped: no engineState: stop was written.
    expect(litmus.log.filter((l) => l.includes('"engineState":"stop"'))).toEqual([]);
  });

  it('during(): the body\'s signal aborts with a TimeoutError when the engine completes', async () => {
    const { chaos, litmus } = setup();
    let reason: unknown;
    const report = await chaos.litmus('pod-delete', target).for('1m').during(async ({ signal }) => {
      litmus.complete('shop', await initialised(litmus));
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      reason = signal.reason;
    });
    expect((reason as Error).name).toBe('TimeoutError');
    expect(report.litmus?.engineStatus).toBe('completed');
  });

  it('overrunMs: for plus two status-check timeouts plus 30 s; the native engine has none', () => {
    const engine = litmusEngine({ kubeConfig: undefined as never, client: new FakeLitmus(), statusCheckTimeouts: { delay: 1, timeout: 60 } });
    expect(engine.overrunMs?.({} as never)).toBe(150_000);
    expect(litmusEngine({ kubeConfig: undefined as never, client: new FakeLitmus() }).overrunMs?.({} as never)).toBe(390_000);
  });
});
