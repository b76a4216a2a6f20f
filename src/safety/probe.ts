import type { ClusterPort } from '../cluster/port.ts';
import type { Permission } from '../data/permission.ts';
import { errorFields, type Logger } from '../logger.ts';

/**
 * A source of health in [0, 1]. Build one with `probes.readiness`, `probes.http` or
 * `probes.custom`, and add it with `.probe(p)`.
 *
 * @example
 * ```ts
 * const p: Probe = probes.custom(async () => (await isHealthy()) ? 1 : 0);
 * chaos.podKill(target).withSafety(0.9).probe(p);
 * ```
 */
export interface Probe {
  /** Brand checked by `.probe()`. */
  readonly isProbe: true;
  /** Key of this probe in report samples, e.g. `'readiness Deployment/web'`. */
  readonly name: string;
  /**
   * The probe as a Litmus ChaosEngine probe (`experiments[].spec.probe[]`), when Litmus can run
   * it too: the Litmus engine adds it to the ChaosEngine it creates (`probes.prometheus` gives a
   * promProbe). kubechaos evaluates the probe itself either way.
   */
  readonly litmusProbe?: Readonly<Record<string, unknown>>;
  /** Permissions the probe needs in `namespace` (checked in preflight). */
  permissions(namespace: string): Permission[];
  /** Starts sampling; the session reports through `context.onUpdate`. */
  start(context: ProbeContext): ProbeSession;
}

/** What a probe gets when it starts. @example `probe.start({ cluster, namespace, signal, logger, onUpdate })` */
export interface ProbeContext {
  readonly cluster: ClusterPort;
  /** The experiment's target namespace, the default for namespaced probes. */
  readonly namespace: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Call after every new reading (value or error). */
  readonly onUpdate: () => void;
}

/** A started probe. @example `await session.firstReading; session.value(); session.stop();` */
export interface ProbeSession {
  /** Latest value, or null before the first reading or after an error. */
  value(): number | null;
  /** The error of the latest reading, if it failed. */
  error(): unknown;
  /** Resolves after the first reading (value or error). */
  readonly firstReading: Promise<void>;
  /**
   * For probes that watch pods: when this session first saw pod `uid` deleted or terminating
   * (epoch ms), `null` if it knows the pod and has not seen it go yet, `undefined` if it never
   * knew the pod. Recovery waits until every killed pod a session knew has been seen gone.
   */
  effectSeenAt?(uid: string): number | null | undefined;
  stop(): void;
}

/** Clamps and checks a probe result: a boolean is 1 or 0; a number must be in [0, 1]. */
export function toRatio(result: unknown, probe: string): number {
  if (typeof result === 'boolean') return result ? 1 : 0;
  if (typeof result === 'number' && result >= 0 && result <= 1) return result;
  throw new TypeError(`Probe ${probe} must return a boolean or a number in [0, 1], got ${String(result)}.`);
}

/** A settable reading with a first-reading promise: the state every probe session keeps. */
export class Reading {
  #value: number | null = null;
  #error: unknown = undefined;
  #resolveFirst!: () => void;
  readonly firstReading = new Promise<void>((resolve) => {
    this.#resolveFirst = resolve;
  });
  readonly #onUpdate: () => void;

  constructor(onUpdate: () => void) {
    this.#onUpdate = onUpdate;
  }

  set(value: number): void {
    this.#value = value;
    this.#error = undefined;
    this.#resolveFirst();
    this.#onUpdate();
  }

  fail(error: unknown): void {
    this.#value = null;
    this.#error = error;
    this.#resolveFirst();
    this.#onUpdate();
  }

  value(): number | null {
    return this.#value;
  }

  error(): unknown {
    return this.#error;
  }
}

/**
 * A probe session that samples in a loop: `sample` runs until the session stops or the
 * experiment's signal aborts, and writes its readings into `reading`.
 */
export function samplingSession(context: ProbeContext, sample: (reading: Reading, signal: AbortSignal) => Promise<void>): ProbeSession {
  const reading = new Reading(context.onUpdate);
  const local = new AbortController();
  const signal = AbortSignal.any([context.signal, local.signal]);
  sample(reading, signal).catch((error: unknown) => {
    // A probe's own failure is a failed reading (the breaker counts it), never an unhandled
    // rejection in the user's test runner.
    try {
      reading.fail(error);
    } catch (again) {
      context.logger.error(errorFields(again), 'probe failed');
    }
  });
  return {
    value: () => reading.value(),
    error: () => reading.error(),
    firstReading: reading.firstReading,
    stop: () => local.abort(),
  };
}
