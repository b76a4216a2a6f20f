import type { CallOptions, ClusterPort, PodInfo, WorkloadKind } from '../cluster/port.ts';
import type { Permission } from '../data/permission.ts';

/** A workload that owns targeted pods, with what readiness needs to judge it. */
export interface TargetWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
  /** Desired replicas (`spec.replicas`). */
  readonly replicas: number;
  /** The workload's pod selector, string form. */
  readonly selector: string;
}

/**
 * The targeted pods grouped the way health is judged: by the workloads that own them
 * (Deployment, StatefulSet, bare ReplicaSet), and the rest (bare pods, or pods of owners such as
 * DaemonSets and Jobs) as one group judged by the pods matched at the start.
 */
export interface TargetGroups {
  readonly workloads: readonly TargetWorkload[];
  readonly barePods: readonly PodInfo[];
}

/**
 * Resolves which workloads own `pods`: a pod's ReplicaSet is followed to its Deployment, a
 * StatefulSet is taken as it is. Reads only.
 *
 * @example
 * ```ts
 * const { workloads, barePods } = await resolveTargetGroups(cluster, 'shop', pods);
 * ```
 */
export async function resolveTargetGroups(cluster: ClusterPort, namespace: string, pods: readonly PodInfo[], options: CallOptions = {}): Promise<TargetGroups> {
  const owners = new Map<string, { kind: WorkloadKind; name: string }>();
  const barePods: PodInfo[] = [];
  const replicaSetOwners = new Map<string, Promise<{ kind: WorkloadKind; name: string }>>();
  const ownerOf = async (pod: PodInfo): Promise<{ kind: WorkloadKind; name: string } | undefined> => {
    const owner = pod.owner;
    if (!owner) return undefined;
    if (owner.kind === 'StatefulSet') return { kind: 'StatefulSet', name: owner.name };
    if (owner.kind !== 'ReplicaSet') return undefined;
    // Every pod of a Deployment shares a few ReplicaSets: ask once per ReplicaSet.
    let found = replicaSetOwners.get(owner.name);
    if (!found) {
      found = cluster.readOwner(owner, options).then((parent) =>
        parent?.kind === 'Deployment' ? { kind: 'Deployment' as const, name: parent.name } : { kind: 'ReplicaSet' as const, name: owner.name },
      );
      replicaSetOwners.set(owner.name, found);
    }
    return found;
  };
  for (const pod of pods) {
    const owner = await ownerOf(pod);
    if (owner) owners.set(`${owner.kind}/${owner.name}`, owner);
    else barePods.push(pod);
  }
  const workloads = await Promise.all(
    [...owners.values()].map(async ({ kind, name }) => {
      const info = await cluster.readWorkload(namespace, kind, name, options);
      return Object.freeze({ kind, name, replicas: info.replicas, selector: info.selector });
    }),
  );
  return Object.freeze({ workloads: Object.freeze(workloads), barePods: Object.freeze([...barePods]) });
}

/** What resolving target workloads reads, checked in preflight with the fault's permissions. */
export function targetWorkloadPermissions(namespace: string): Permission[] {
  return [
    { verb: 'get', resource: 'replicasets', group: 'apps', namespace },
    { verb: 'get', resource: 'deployments', group: 'apps', namespace },
    { verb: 'get', resource: 'statefulsets', group: 'apps', namespace },
    { verb: 'list', resource: 'pods', group: '', namespace },
    { verb: 'watch', resource: 'pods', group: '', namespace },
  ];
}

/** Ready, non-terminating pods among `pods`. */
export function countReady(pods: readonly PodInfo[]): number {
  return pods.filter((p) => p.ready && !p.terminating).length;
}
