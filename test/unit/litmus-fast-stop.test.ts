// A stop ends the experiment pod itself, alongside `engineState: stop`: the operator only acts on
// the engine about once a second, and until then the fault would go on. In-memory Litmus API; the
// real operator, runner and experiment are in test/integration/litmus-e2e.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createChaos, type ChaosOptions } from '../../src/index.ts';
import { LITMUS_FINALIZER } from '../../src/engines/litmus/index.ts';
import { waitUntil } from '../cluster/wait.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { FakeLitmus } from './support/fake-litmus.ts';

let cluster: FakeCluster;
afterEach(() => cluster?.dispose());

describe('Litmus stop', () => {
  it('ends the experiment of the running engine (its uid) once, before waiting for the operator', async () => {
    cluster = new FakeCluster({ replace: true, readyAfterMs: 20 });
    const litmus = new FakeLitmus();
    const chaos = createChaos({ cluster, handleSignals: false, audit: false, litmus: { client: litmus } } as ChaosOptions);
    const exp = await chaos.litmus('pod-delete', { namespace: 'shop', selector: { app: 'web' } }).for('30s').start();
    await waitUntil('the engine initialised', async () => litmus.of('chaosengines')[0]?.metadata?.finalizers?.includes(LITMUS_FINALIZER), 5_000, 5);
    const uid = litmus.of('chaosengines')[0]!.metadata!.uid!;
    expect(litmus.ended).toEqual([]);
    const report = await exp.stop();
    expect(litmus.ended).toEqual([uid]);
    expect(report.litmus).toMatchObject({ engineStatus: 'stopped', deleted: true });
  });
});
