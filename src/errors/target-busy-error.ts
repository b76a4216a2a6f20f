import { PreflightError } from './preflight-error.ts';

/** The live run a {@link TargetBusyError} names. @example `{ id: 'kc-0123456789', namespace: 'shop', owner: 'ci-7/4242', holder: 'ci-7/4242', selector: 'app=web' }` */
export interface BusyTarget {
  readonly id: string;
  readonly namespace: string;
  /** Host and pid of its process (`host/pid`), when its Lease records them. */
  readonly owner: string | null;
  /** Holder identity of its Lease. */
  readonly holder: string | null;
  /** Its selector, when its Lease records it. */
  readonly selector: string | null;
}

/**
 * Another live run's target overlaps this one's: the pods both selectors match (minus excludes)
 * intersect, or they share an owning workload. Each run honours `minAvailable` on its own only,
 * so two of them together could take the workload below it; the second run is refused. Nothing
 * was changed (a run that had already written its Lease has deleted it).
 *
 * @example
 * ```ts
 * const error = await chaos.podKill(target).during(body).catch((e) => e);
 * if (isTargetBusyError(error)) console.log(`busy: run ${error.other.id} in ${error.other.namespace}`);
 * ```
 */
export class TargetBusyError extends PreflightError {
  /** Brand. */
  readonly isTargetBusyError = true;
  /** The run that holds the target. */
  readonly other: BusyTarget;

  constructor(other: BusyTarget, detail = 'is still running') {
    const who = [other.selector === null ? null : `selector "${other.selector}"`, `owner ${other.owner ?? 'unknown'}`];
    if (other.holder !== null && other.holder !== other.owner) who.push(`Lease held by ${other.holder}`);
    super(
      'TARGET_BUSY',
      `Refusing to start: the target overlaps that of run ${other.id} in namespace "${other.namespace}" (${who.filter((w) => w !== null).join(', ')}), which ${detail}; ` +
        `two runs on one target could together take it below minAvailable. Wait for that run to end, or stop it with \`kubechaos stop ${other.id} -n ${other.namespace}\`.`,
    );
    this.other = other;
  }
}
