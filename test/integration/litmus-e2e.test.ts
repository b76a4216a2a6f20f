// LitmusChaos end to end: the real chaos-operator (out of cluster), and the real chaos-runner and
// litmus-go experiment running as the runner pod and the experiment Job's pod on the process node
// (test/cluster/programs.d/litmus.ts), each with its ServiceAccount's own token. The experiment
// deletes real pods of the HTTP app, writes the real ChaosResult, and the verdict reaches the
// kubechaos report.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createChaos, type Chaos, type Report } from '../../src/index.ts';
import { PROCESS_NODE_LABEL, PROCESS_NODE_TAINT } from '../cluster/process-node.ts';
import { listPods, loadKubeConfig, waitUntil } from '../cluster/fixtures.ts';
import { RELEASE, haveOperator, haveRunner, installCrds, killOperator, litmusObjects, namespaceWithApp, startOperator } from './support/litmus-operator.ts';

/** Runner and experiment pods go to the process node, where they run as real processes. */
export const PROCESS_NODE_PLACEMENT = {
  nodeSelector: { [PROCESS_NODE_LABEL]: 'process' },
  tolerations: [{ key: PROCESS_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
};

let kc: KubeConfig;
let operator: ChildProcess | undefined;

function client(): Chaos {
  return createChaos({
    kubeConfig: kc,
    handleSignals: false,
    audit: false,
    litmus: { version: RELEASE, statusCheckTimeouts: { delay: 1, timeout: 60 }, placement: PROCESS_NODE_PLACEMENT },
  });
}

/** After a run: no runner pod, no experiment Job or pod, no ChaosEngine or ChaosResult. */
async function expectNothingLeft(namespace: string, report: Report): Promise<void> {
  const uid = report.litmus!.chaosEngine!.uid;
  expect(report.leftovers).toEqual([]);
  expect(report.litmus!.deleted).toBe(true);
  await waitUntil('no chaos pods left', async () => (await listPods(kc, namespace, `chaosUID=${uid}`)).length === 0, 30_000);
  const jobs = await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace });
  expect(jobs.items.map((j) => j.metadata?.name)).toEqual([]);
  const objects = await litmusObjects(kc, namespace);
  expect(objects.engines).toEqual([]);
  expect(objects.results).toEqual([]);
}

describe.skipIf(!haveOperator || !haveRunner)(`Litmus end to end: real chaos-operator ${RELEASE}, chaos-runner and litmus-go on the process node`, () => {
  beforeAll(async () => {
    kc = loadKubeConfig();
    await installCrds(kc);
    operator = startOperator();
  });
  afterAll(async () => {
    await killOperator(operator);
  });

  it('pod-delete with the app healthy: the experiment deletes real app pods and ends with verdict Pass', async () => {
    const namespace = await namespaceWithApp(kc, 'litmus-e2e-pass', 'pod-delete', { onProcessNode: true });
    const exp = await client().litmus('pod-delete', { namespace, selector: { app: 'web' } }).count(1).every('4s').for('8s').start();
    const report = await exp.done;
    expect(report.litmus).toMatchObject({ experiment: 'pod-delete', engineStatus: 'completed', verdict: 'Pass', phase: 'Completed' });
    expect(report.kills.length).toBeGreaterThan(0);
    const timeline = report.litmus!.timeline.map((e) => e.what);
    expect(timeline).toEqual(expect.arrayContaining(['engineStatus initialized', 'engineStatus completed', 'deleted ChaosEngine']));
    await expectNothingLeft(namespace, report);
  });
});
