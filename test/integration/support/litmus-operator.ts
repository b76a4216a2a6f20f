// The real Litmus chaos-operator (built from the Go module proxy by scripts/build-litmus.sh) run
// out of cluster against the local control plane, its release's real CRDs, and the RBAC the
// catalog lists. Shared by test/integration/litmus*.test.ts and bench/litmus.bench.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, loadAllYaml, type KubeConfig, type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { LITMUS_EXPERIMENTS } from '../../../src/engines/litmus/index.ts';
import { createTestNamespace, deployHttpApp, waitUntil } from '../../cluster/fixtures.ts';
import { LITMUS_RELEASE, haveLitmusBin, litmusBin, litmusDir } from '../../cluster/litmus-binaries.ts';

export { litmusBin, litmusDir };
export const RELEASE = LITMUS_RELEASE;
export const haveOperator = haveLitmusBin('chaos-operator');
export const haveRunner = haveLitmusBin('chaos-runner') && haveLitmusBin('experiments');
// Skipping is for a developer's machine without them; in CI a missing binary is a broken build.
if (process.env.CI && !(haveOperator && haveRunner)) {
  throw new Error(`CI: a Litmus binary is missing in ${join(litmusDir, 'bin')} (chaos-operator, chaos-runner, experiments); .ci/run must run scripts/build-litmus.sh with KUBECHAOS_LITMUS_SRC`);
}

/** Starts chaos-operator out of cluster, watching every namespace, logging to the cache dir. */
export function startOperator(kubeconfig = process.env.KUBECONFIG!): ChildProcess {
  const log = openSync(join(litmusDir, `operator-${process.pid}.log`), 'a');
  const child = spawn(litmusBin('chaos-operator'), ['-metrics-bind-address=0', '-health-probe-bind-address=0', '-zap-log-level=info'], {
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      KUBECONFIG: kubeconfig,
      WATCH_NAMESPACE: '',
      ANALYTICS: 'FALSE',
      CHAOS_RUNNER_IMAGE: `litmuschaos/chaos-runner:${RELEASE}`,
    },
  });
  closeSync(log);
  return child;
}

/** SIGKILLs the operator and waits for it to exit. */
export async function killOperator(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Installs the release's CRDs (with client-node's typed YAML loader) and waits until Established. */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const file of readdirSync(join(litmusDir, 'crds')).filter((f) => f.endsWith('.yaml'))) {
    // loadAllYaml maps `x-kubernetes-preserve-unknown-fields` onto the typed model; a plain YAML
    // parse would lose it in serialisation, and the apiserver would then prune every status.
    for (const body of loadAllYaml(readFileSync(join(litmusDir, 'crds', file), 'utf8')) as V1CustomResourceDefinition[]) {
      if (!body?.kind) continue;
      try {
        await ext.createCustomResourceDefinition({ body });
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
      }
      await waitUntil(`CRD ${body.metadata!.name} Established`, async () => {
        const crd = await ext.readCustomResourceDefinition({ name: body.metadata!.name! });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
    }
  }
}

/** A ServiceAccount with exactly the rules the catalog lists for `experiment` (or none). */
export async function createServiceAccount(kc: KubeConfig, namespace: string, name: string, experiment?: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (!experiment) return;
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name }, rules: LITMUS_EXPERIMENTS[experiment]!.permissions.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace }] },
  });
}

/** The ChaosEngines, ChaosExperiments and ChaosResults of `namespace`, as the API has them. */
/**
 * A namespace with the chaos ServiceAccount for `experiment` and a 3-replica app: kwok pods by
 * default, real processes (answering HTTP) with `onProcessNode`.
 */
export async function namespaceWithApp(kc: KubeConfig, prefix: string, experiment: string, options: { onProcessNode?: boolean } = {}): Promise<string> {
  const namespace = await createTestNamespace(kc, prefix);
  await createServiceAccount(kc, namespace, 'litmus-chaos', experiment);
  await deployHttpApp(kc, { namespace, replicas: 3, onProcessNode: options.onProcessNode ?? false });
  return namespace;
}

export async function litmusObjects(kc: KubeConfig, namespace: string) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  // Right after a CRD is established its storage may still answer 429 for a moment.
  const list = (plural: string) => waitUntil(`list ${plural}`, async () =>
    ((await custom.listNamespacedCustomObject({ group: 'litmuschaos.io', version: 'v1alpha1', namespace, plural })) as { items: LitmusObject[] }).items, 30_000, 250);
  return { engines: await list('chaosengines'), experiments: await list('chaosexperiments'), results: await list('chaosresults') };
}

/** A litmuschaos.io object as the API returns it (the fields the tests read). */
export interface LitmusObject {
  metadata: { name: string; uid: string; labels?: Record<string, string>; finalizers?: string[] };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Reads one ChaosEngine. */
export async function readEngine(kc: KubeConfig, namespace: string, name: string): Promise<LitmusObject> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  return (await custom.getNamespacedCustomObject({ group: 'litmuschaos.io', version: 'v1alpha1', namespace, plural: 'chaosengines', name })) as LitmusObject;
}

/** `experiments[0]` of a ChaosEngine: its name and env as a map. */
export function engineExperiment(engine: LitmusObject): { name: string; env: Record<string, string> } {
  const [first] = (engine.spec as { experiments: Array<{ name: string; spec: { components: { env?: Array<{ name: string; value: string }> } } }> }).experiments;
  return { name: first!.name, env: Object.fromEntries((first!.spec.components.env ?? []).map((e) => [e.name, e.value])) };
}
