import type { WorkloadKind } from '../../cluster/port.ts';
import { describe } from '../../util/duration.ts';
import { assertNamespace, assertObjectName } from '../../util/names.ts';
import { assertObject, rejectUnknownKeys } from '../../util/validate.ts';
import type { Probe, ProbeContext, ProbeSession } from '../probe.ts';
import { countReady } from '../target-workloads.ts';
import { podWatchSession } from './pod-watch-session.ts';

/** What a readiness probe watches. @example `{ kind: 'Deployment', name: 'web' }` */
export interface ReadinessProbeOptions {
  readonly kind: WorkloadKind;
  /** The workload's name (a DNS-1123 subdomain). */
  readonly name: string;
  /** A namespace name (DNS-1123 label). @default the experiment's target namespace */
  readonly namespace?: string;
}

const KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];
const RESOURCE: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' };

/**
 * A probe reporting ready pods / desired replicas of a workload. It watches the workload's pods
 * (no polling), so a killed pod is seen within one watch event; a terminating pod is not ready.
 * A workload that does not exist makes preflight refuse the run (`PROBE_FAILED`, naming the probe).
 *
 * @example
 * ```ts
 * chaos.podKill(target).withSafety(0.6).probe(probes.readiness({ kind: 'Deployment', name: 'web' }));
 * ```
 */
export function readiness(options: ReadinessProbeOptions): Probe {
  assertObject(options, 'probes.readiness options');
  rejectUnknownKeys(options, ['kind', 'name', 'namespace'], 'probes.readiness options');
  if (!KINDS.includes(options.kind)) {
    throw new TypeError(`Expected \`kind\` to be one of ${KINDS.join(', ')}, got ${describe(options.kind)}.`);
  }
  const { kind } = options;
  const workload = assertObjectName(options.name, 'name');
  const fixedNamespace = options.namespace === undefined ? undefined : assertNamespace(options.namespace, 'namespace');
  const name = `readiness ${kind}/${workload}`;

  return Object.freeze({
    isProbe: true as const,
    name,
    permissions: (namespace: string) => {
      const ns = fixedNamespace ?? namespace;
      return [
        { verb: 'get', resource: RESOURCE[kind], group: 'apps', namespace: ns },
        { verb: 'list', resource: 'pods', group: '', namespace: ns },
        { verb: 'watch', resource: 'pods', group: '', namespace: ns },
      ];
    },
    start: (context: ProbeContext): ProbeSession => {
      const namespace = fixedNamespace ?? context.namespace;
      let replicas = 1;
      return podWatchSession(
        context,
        namespace,
        async () => {
          const info = await context.cluster.readWorkload(namespace, kind, workload, { signal: context.signal });
          replicas = info.replicas;
          return info.selector;
        },
        (pods) => workloadRatio(countReady(pods), replicas),
      );
    },
  });
}

/** Ready / desired, 1 for a workload scaled to zero, never above 1. */
export function workloadRatio(ready: number, replicas: number): number {
  return replicas === 0 ? 1 : Math.min(1, ready / replicas);
}
