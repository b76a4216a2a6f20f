import { randomBytes } from 'node:crypto';
import type { NetworkPolicyInfo, PodInfo } from '../cluster/port.ts';
import { matches, parseSelector, type Requirement } from '../cluster/selector.ts';
import type { Permission } from '../data/permission.ts';
import { describe } from '../util/duration.ts';
import { faultPermissions } from './permissions.ts';
import type { PlanBase } from './plan.ts';

/** Which traffic an isolate cuts: to the pods, from the pods, or both. @example `'ingress'` */
export type IsolateDirection = 'ingress' | 'egress' | 'both';

/** The directions, in the order docs and errors list them. */
export const ISOLATE_DIRECTIONS: readonly IsolateDirection[] = ['ingress', 'egress', 'both'];

/**
 * An isolate fault as plain data: a NetworkPolicy named `policy` that selects the pods of
 * `selector` and allows nothing in the chosen direction(s), created for `for` and then deleted.
 *
 * @example
 * ```ts
 * const plan: IsolatePlan = { kind: 'isolate', namespace: 'shop', selector: 'app=web', direction: 'both',
 *   policy: 'kubechaos-isolate-1a2b3c4d', exclude: { names: [], selector: null }, intervalMs: undefined,
 *   durationMs: 30_000, minAvailable: 0, dryRun: false };
 * ```
 */
export interface IsolatePlan extends PlanBase {
  readonly kind: 'isolate';
  readonly direction: IsolateDirection;
  /** The NetworkPolicy's name (unique per run): what teardown and the reaper delete. */
  readonly policy: string;
}

/** A fresh NetworkPolicy name for one run. @example `policyName() // 'kubechaos-isolate-1a2b3c4d'` */
export function policyName(): string {
  return `kubechaos-isolate-${randomBytes(4).toString('hex')}`;
}

/** The NetworkPolicy's `policyTypes`: a type listed with no rule denies all of that traffic. @example `policyTypes('both') // ['Ingress', 'Egress']` */
export function policyTypes(direction: IsolateDirection): Array<'Ingress' | 'Egress'> {
  if (direction === 'ingress') return ['Ingress'];
  if (direction === 'egress') return ['Egress'];
  return ['Ingress', 'Egress'];
}

/** A label selector in the API's form (`matchLabels`, `matchExpressions`). */
export interface LabelSelectorObject {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

const OPERATORS = { '!=': 'NotIn', in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' } as const;

/**
 * The selector string as a NetworkPolicy `podSelector`: `=` as `matchLabels`, the rest as
 * `matchExpressions` (`!=` is `NotIn`: both also match pods without the key).
 *
 * @example `podSelectorOf('app=web,tier!=db') // { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }`
 */
export function podSelectorOf(selector: string): LabelSelectorObject {
  const requirements: Requirement[] = parseSelector(selector);
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelectorObject['matchExpressions']> = [];
  for (const r of requirements) {
    if (r.op === '=') matchLabels[r.key] = r.values[0] as string;
    else {
      const operator = OPERATORS[r.op];
      matchExpressions.push({ key: r.key, operator, ...(operator === 'Exists' || operator === 'DoesNotExist' ? {} : { values: [...r.values] }) });
    }
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

/**
 * The NetworkPolicy the fault creates: selects the target pods, lists the chosen policy types
 * and no rule for them, so that the CNI drops that traffic. It carries the run's labels, so the
 * reaper's sweep finds it too.
 *
 * @example `isolationPolicy(plan, runLabels(runId))`
 */
export function isolationPolicy(plan: IsolatePlan, labels: Readonly<Record<string, string>>): NetworkPolicyObject {
  const types = policyTypes(plan.direction);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: plan.policy, namespace: plan.namespace, labels: { ...labels } },
    spec: {
      podSelector: podSelectorOf(plan.selector),
      policyTypes: types,
      ...(types.includes('Ingress') ? { ingress: [] } : {}),
      ...(types.includes('Egress') ? { egress: [] } : {}),
    },
  };
}

/** The NetworkPolicy manifest kubechaos writes. @example `{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec }` */
export interface NetworkPolicyObject {
  readonly apiVersion: 'networking.k8s.io/v1';
  readonly kind: 'NetworkPolicy';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly podSelector: LabelSelectorObject;
    readonly policyTypes: Array<'Ingress' | 'Egress'>;
    readonly ingress?: never[];
    readonly egress?: never[];
  };
}

/** The permissions an isolate needs: list the pods and the NetworkPolicies, create and delete NetworkPolicies (and restore them). */
export function isolatePermissions(plan: IsolatePlan): Permission[] {
  const policies = (verb: string) => [verb, 'networkpolicies', 'networking.k8s.io'] as const;
  return faultPermissions(plan.namespace, plan.dryRun, [['list', 'pods', ''], policies('list')], [policies('create'), policies('delete')]);
}

/** What a reaper must do after an isolate whose process died: delete the NetworkPolicy. Recorded before it is created. */
export function isolateRestore(plan: IsolatePlan): readonly unknown[] {
  return [{ op: 'delete', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: plan.namespace, name: plan.policy } }];
}

/** What an isolate cuts, in words. @example `cutTraffic('both') // 'ingress and egress'` */
export function cutTraffic(direction: IsolateDirection): string {
  return direction === 'both' ? 'ingress and egress' : direction;
}

/** One line for the audit trail. @example `'isolate (ingress and egress) of the pods matching "app=web" with NetworkPolicy kubechaos-isolate-1a2b3c4d for at most 30000 ms, engine native'` */
export function describeIsolate(plan: IsolatePlan, engine: string): string {
  return `isolate (${cutTraffic(plan.direction)}) of the pods matching "${plan.selector}" with NetworkPolicy ${plan.policy} for at most ${plan.durationMs} ms, engine ${engine}`;
}

/** The pods an isolate cuts: every pod of the selector that is not terminating (the policy selects them all, ready or not). */
export function isolatedPods(pods: readonly PodInfo[]): PodInfo[] {
  return pods.filter((p) => !p.terminating);
}

/**
 * The NetworkPolicies that would let through some of what the isolate cuts: they select at least
 * one of its pods and allow traffic in a direction it isolates. Policies add up, so the isolate's
 * deny-all does not cut what they allow.
 *
 * @example `bypassingPolicies(plan, pods, [{ name: 'allow-frontend', podSelector: 'app=web', allowsIngress: true, allowsEgress: false }]) // [{ name: 'allow-frontend', allows: 'ingress' }]`
 */
export function bypassingPolicies(plan: IsolatePlan, pods: readonly PodInfo[], policies: readonly NetworkPolicyInfo[]): Array<{ name: string; allows: string }> {
  const types = policyTypes(plan.direction);
  const found: Array<{ name: string; allows: string }> = [];
  for (const policy of policies) {
    const allows = [types.includes('Ingress') && policy.allowsIngress ? 'ingress' : '', types.includes('Egress') && policy.allowsEgress ? 'egress' : ''].filter(Boolean);
    if (allows.length === 0) continue;
    const selector = parseSelector(policy.podSelector);
    if (pods.some((p) => matches(selector, p.labels))) found.push({ name: policy.name, allows: allows.join(' and ') });
  }
  return found;
}
