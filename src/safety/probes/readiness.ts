import type { WatchHandle, WorkloadKind } from '../../cluster/port.ts';
import { describe } from '../../util/duration.ts';
import { assertNamespace, assertObjectName } from '../../util/names.ts';
import { assertObject, rejectUnknownKeys } from '../../util/validate.ts';
import { Reading, type Probe, type ProbeContext, type ProbeSession } from '../probe.ts';

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
      const reading = new Reading(context.onUpdate);
      const local = new AbortController();
      const signal = AbortSignal.any([context.signal, local.signal]);
      let watch: WatchHandle | undefined;
      void (async () => {
        try {
          const info = await context.cluster.readWorkload(namespace, kind, workload, { signal });
          watch = await context.cluster.watchPods(
            namespace,
            info.selector,
            (pods) => {
              const ready = pods.filter((p) => p.ready && !p.terminating).length;
              reading.set(info.replicas === 0 ? 1 : Math.min(1, ready / info.replicas));
            },
            (error) => reading.fail(error),
            signal,
          );
          if (signal.aborted) watch.stop();
        } catch (error) {
          if (!signal.aborted) reading.fail(error);
        }
      })();
      return {
        value: () => reading.value(),
        error: () => reading.error(),
        firstReading: reading.firstReading,
        stop: () => {
          local.abort();
          watch?.stop();
        },
      };
    },
  });
}
