/*
 * Runs that share a target.
 *
 * Each run honours `minAvailable` on its own: two runs on one Deployment could each leave one
 * pod and together leave none. So, by default, a run whose target overlaps that of a live run is
 * refused with TARGET_BUSY. Overlap: the pods both selectors match now (minus excludes) intersect,
 * or they share an owning workload. Dry runs only read: they neither block nor are blocked.
 *
 * The registry is the coordination point: every live run's target is in its Lease (the plan, in
 * `kubechaos.dev/spec`). The protocol, in the namespace of the target:
 *
 *   1. Before registering (preflight, writes nothing): list the live run Leases; if any overlaps,
 *      refuse. This is the common refusal.
 *   2. Register: create the run's own Lease. Its acquireTime is its registration time.
 *   3. List the live run Leases again (the run's own excepted) and, for the overlapping ones:
 *      - none: mark the own Lease `kubechaos.dev/admitted` and go on (only now may it kill);
 *      - one is admitted, or registered earlier (acquireTime, ties broken by run id): delete the
 *        own Lease and refuse;
 *      - all registered later and none is admitted: they will see this run and withdraw (rule
 *        above), or one of them had listed before this run's Lease existed and will be admitted.
 *        List again until either happens; after WAIT_MS, withdraw and refuse.
 *
 * Why it is race-free: say A and B overlap and both are admitted. Each was admitted after a list
 * (step 3) that did not show the other. Say A listed first. B's Lease was not in A's list, so B
 * created it after A's list, hence after A's Lease existed; B listed after creating its own Lease,
 * so B's list showed A, unless A had ended. Contradiction. This rests only on the API server's
 * writes and lists being linearizable (etcd quorum reads), not on clocks: the order in step 3
 * only decides which of two runs that see each other yields, and both compute it from the same
 * Lease fields.
 */
import type { ClusterPort, PodInfo } from '../../cluster/port.ts';
import { matches, parseSelector, type Requirement } from '../../cluster/selector.ts';
import { TargetBusyError, type BusyTarget } from '../../errors/target-busy-error.ts';
import type { FaultPlan } from '../../faults/plan.ts';
import { footprintOf, isDryRunSpec, overlaps, registeredBefore, targetOf, type Footprint } from '../../safety/guards/shared-target.ts';
import { pause } from '../../util/abort.ts';
import type { LiveRun, Registration, Registry } from '../../data/registry.ts';

/** How long step 3 waits for later runs that see this one to withdraw. */
export const WAIT_MS = 10_000;
const POLL_MS = 100;

export interface SharedTargetInput {
  readonly plan: FaultPlan;
  readonly cluster: ClusterPort;
  readonly registry: Registry;
  readonly signal: AbortSignal;
  /** The run's own pods, if just listed (preflight's list). */
  readonly pods?: readonly PodInfo[];
}

/** Step 1: refuses with TARGET_BUSY when a live run's target overlaps. Reads only. */
export async function checkTargetFree(input: SharedTargetInput): Promise<void> {
  const { plan, registry, signal } = input;
  if (plan.dryRun || !registry.liveRuns) return;
  const others = (await registry.liveRuns(plan.namespace, signal)).filter((r) => !isDryRunSpec(r.spec));
  if (others.length === 0) return;
  const overlap = new Overlap(input);
  overlap.expect(others);
  for (const other of others) if (await overlap.with(other)) throw new TargetBusyError(busyTarget(other));
}

/**
 * Step 3, once the run's own Lease exists: resolves once the run is admitted; throws
 * TARGET_BUSY otherwise (the caller then releases the registration, with outcome `'refused'`).
 */
export async function claimTarget(input: SharedTargetInput & { readonly registration: Registration; readonly waitMs?: number }): Promise<void> {
  const { plan, registry, registration, signal } = input;
  const self = registration.self;
  if (plan.dryRun || !registry.liveRuns || !self || !registration.admit) return;
  const overlap = new Overlap(input);
  const deadline = Date.now() + (input.waitMs ?? WAIT_MS);
  for (;;) {
    const others = (await registry.liveRuns(plan.namespace, signal)).filter((r) => r.id !== self.id && !isDryRunSpec(r.spec));
    const busy: LiveRun[] = [];
    overlap.expect(others);
    for (const other of others) if (await overlap.with(other)) busy.push(other);
    if (busy.length === 0) {
      await registration.admit(signal);
      return;
    }
    const holder = busy.find((other) => other.admitted || registeredBefore(other, self));
    if (holder) throw new TargetBusyError(busyTarget(holder));
    if (Date.now() >= deadline) {
      throw new TargetBusyError(busyTarget(busy[0] as LiveRun), `registered at the same time as this one and neither withdrew nor started within ${input.waitMs ?? WAIT_MS} ms`);
    }
    await pause(POLL_MS, signal);
    signal.throwIfAborted();
  }
}

/**
 * Decides overlap with other runs, listing each distinct selector once; when two or more
 * selectors are still to be read, the namespace's pods are listed once and matched here.
 *
 * Profile (issue 14, 20 runs in one process, each restarted after a stop): a start listed the
 * pods of every other live run's selector, one list after another, before registering and again
 * after: ~38 lists per start. Matched from one namespace list, it is two.
 */
class Overlap {
  readonly #input: SharedTargetInput;
  readonly #lists = new Map<string, Promise<PodInfo[]>>();
  readonly #decided = new Map<string, boolean>();
  #mine: Promise<Footprint> | undefined;
  #namespace: Promise<PodInfo[]> | undefined;

  constructor(input: SharedTargetInput) {
    this.#input = input;
    if (input.pods) this.#lists.set(input.plan.selector, Promise.resolve([...input.pods]));
  }

  /** Told the runs about to be asked about: many selectors to read make one namespace list. */
  expect(others: readonly LiveRun[]): void {
    const unread = new Set<string>();
    for (const other of others) {
      const selector = this.#decided.has(other.id) ? undefined : targetOf(other.spec)?.selector;
      if (selector !== undefined && !this.#lists.has(selector)) unread.add(selector);
    }
    if (unread.size >= 2) this.#namespace ??= this.#input.cluster.listPods(this.#input.plan.namespace, '', { signal: this.#input.signal });
  }

  async with(other: LiveRun): Promise<boolean> {
    const known = this.#decided.get(other.id);
    if (known !== undefined) return known;
    const target = targetOf(other.spec);
    // A target that cannot be read cannot be shown to be apart: assume the worst.
    const result = target === undefined || overlaps(await this.#own(), footprintOf(await this.#pods(target.selector), target.exclude));
    this.#decided.set(other.id, result);
    return result;
  }

  #own(): Promise<Footprint> {
    const { plan } = this.#input;
    this.#mine ??= this.#pods(plan.selector).then((pods) => footprintOf(pods, plan.exclude));
    return this.#mine;
  }

  #pods(selector: string): Promise<PodInfo[]> {
    let list = this.#lists.get(selector);
    if (!list) {
      const all = this.#namespace;
      list = all ? all.then((pods) => pods.filter(matcher(selector))) : this.#input.cluster.listPods(this.#input.plan.namespace, selector, { signal: this.#input.signal });
      this.#lists.set(selector, list);
    }
    return list;
  }
}

/** The pods a selector picks, as the API server would; a selector that does not parse picks every pod (overlap is then assumed). */
function matcher(selector: string): (pod: PodInfo) => boolean {
  let requirements: Requirement[];
  try {
    requirements = parseSelector(selector);
  } catch {
    return () => true;
  }
  return (pod) => matches(requirements, pod.labels);
}

function busyTarget(run: LiveRun): BusyTarget {
  return {
    id: run.id,
    namespace: run.namespace,
    owner: run.owner ? `${run.owner.host}/${run.owner.pid}` : null,
    holder: run.holder,
    selector: targetOf(run.spec)?.selector ?? null,
  };
}
