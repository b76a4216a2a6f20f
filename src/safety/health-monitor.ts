import { ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import type { HealthSample } from '../data/sample.ts';
import { errorFields, type Logger } from '../logger.ts';
import type { Probe, ProbeContext, ProbeSession } from './probe.ts';

/** Why the monitor asked for an emergency stop. */
export interface Breach {
  readonly kind: 'breach' | 'breaker-open';
  readonly message: string;
  readonly health: number | null;
}

export interface HealthMonitorOptions {
  readonly probes: readonly Probe[];
  /** Health below this aborts; null disables detection (probes are still recorded). */
  readonly threshold: number | null;
  /** How long health may stay below the threshold before it is a breach. */
  readonly graceMs: number;
  /** Consecutive failed readings (a probe threw) that open the health breaker. */
  readonly breakerThreshold: number;
  readonly context: Omit<ProbeContext, 'onUpdate' | 'signal'>;
  readonly logger: Logger;
  readonly onSample: (sample: HealthSample) => void;
  /** Called synchronously from the evaluation that detects the breach; at most once. */
  readonly onBreach: (breach: Breach) => void;
}

/**
 * Health = minimum over probes, evaluated on every probe reading. Breach detection is armed
 * separately so that preflight can sample health without aborting anything. Failed readings
 * feed a cockatiel circuit breaker whose opening is itself a breach.
 */
export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  readonly #controller = new AbortController();
  readonly #sessions: Array<{ name: string; session: ProbeSession }> = [];
  readonly #breaker: CircuitBreakerPolicy;
  readonly #listeners = new Set<() => void>();
  #armed = false;
  #fired = false;
  #belowSince: number | undefined;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#breaker = circuitBreaker(handleAll, {
      halfOpenAfter: 2 ** 31 - 1,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    });
    this.#breaker.onBreak(() => {
      const failing = this.#sessions.filter((s) => s.session.error() !== undefined).map((s) => s.name);
      this.#fire({
        kind: 'breaker-open',
        message: `health breaker opened after ${options.breakerThreshold} consecutive failed probe readings (${failing.join(', ') || 'probes'})`,
        health: this.health(),
      });
    });
  }

  /**
   * Starts every probe (or `fallback`, when the experiment names none); resolves after each has a
   * first reading or `timeoutMs` passed.
   */
  async start(timeoutMs: number, fallback: readonly Probe[] = []): Promise<void> {
    const names = new Set<string>();
    const probes = this.#options.probes.length > 0 ? this.#options.probes : fallback;
    for (const probe of probes) {
      let name = probe.name;
      for (let i = 2; names.has(name); i++) name = `${probe.name}#${i}`;
      names.add(name);
      const session = probe.start({ ...this.#options.context, signal: this.#controller.signal, onUpdate: () => this.#evaluate() });
      this.#sessions.push({ name, session });
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#sessions.map((s) => s.session.firstReading)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Minimum over probes; null if any probe has no value; 1 without probes. */
  health(): number | null {
    let min = 1;
    for (const { session } of this.#sessions) {
      const value = session.value();
      if (value === null) return null;
      min = Math.min(min, value);
    }
    return min;
  }

  /** The first probe whose latest reading failed, if any. */
  failedProbe(): { name: string; error: unknown } | undefined {
    const failed = this.#sessions.find((s) => s.session.error() !== undefined);
    return failed ? { name: failed.name, error: failed.session.error() } : undefined;
  }

  /**
   * When every session that watches pods has seen each of `uids` go (deleted or terminating):
   * the latest such moment (epoch ms), or null while one is still unseen. Undefined when no
   * session knew any of them (no pod-watching probe).
   */
  effectSeenAt(uids: readonly string[]): number | null | undefined {
    let latest: number | undefined;
    for (const { session } of this.#sessions) {
      for (const uid of uids) {
        const seen = session.effectSeenAt?.(uid);
        if (seen === null) return null;
        if (seen !== undefined) latest = Math.max(latest ?? 0, seen);
      }
    }
    return latest;
  }

  readings(): Record<string, number | null> {
    return Object.fromEntries(this.#sessions.map(({ name, session }) => [name, session.value()]));
  }

  get hasProbes(): boolean {
    return this.#sessions.length > 0;
  }

  /** From now on a breach calls `onBreach`. */
  arm(): void {
    this.#armed = this.#options.threshold !== null;
    this.#evaluate();
  }

  disarm(): void {
    this.#armed = false;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  /**
   * Waits until health >= threshold (checked on every reading) and, first, until every probe that
   * watches pods has seen each of `killed` go: a reading taken before the watch delivered a kill
   * would report a recovery that never happened. Resolves with whether it recovered within
   * `withinMs`, and the moment recovery is measured from (the effect seen, or the call).
   */
  waitFor(threshold: number, withinMs: number, signal?: AbortSignal, killed: readonly string[] = []): Promise<{ recovered: boolean; from: number }> {
    const called = Date.now();
    return new Promise((resolve) => {
      const finish = (recovered: boolean): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        const seen = this.effectSeenAt(killed);
        resolve({ recovered, from: Math.max(called, seen ?? called) });
      };
      const check = (): void => {
        if (this.effectSeenAt(killed) === null) return;
        const health = this.health();
        if (health !== null && health >= threshold) finish(true);
      };
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), withinMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#listeners.add(check);
      check();
    });
  }

  stop(): void {
    this.disarm();
    this.#controller.abort();
    for (const { session } of this.#sessions) session.stop();
  }

  #evaluate(): void {
    if (this.#controller.signal.aborted) return;
    const health = this.health();
    const probes = this.readings();
    this.#options.onSample({ t: new Date().toISOString(), health, probes });
    for (const listener of [...this.#listeners]) listener();
    if (!this.#armed || this.#fired) return;

    const failed = this.#sessions.find((s) => s.session.error() !== undefined);
    void this.#breaker
      .execute(() => {
        if (failed) throw failed.session.error();
      })
      .catch((error: unknown) => {
        if (failed) this.#options.logger.warn({ probe: failed.name, ...errorFields(error) }, 'probe reading failed');
      });

    const threshold = this.#options.threshold as number;
    if (health === null || health >= threshold) {
      this.#belowSince = undefined;
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
      return;
    }
    const now = Date.now();
    this.#belowSince ??= now;
    const waited = now - this.#belowSince;
    if (waited >= this.#options.graceMs) {
      const low = Object.entries(probes)
        .filter(([, v]) => v !== null && v < threshold)
        .map(([k, v]) => `${k}=${(v as number).toFixed(3)}`);
      this.#fire({ kind: 'breach', health, message: `health ${health.toFixed(3)} fell below threshold ${threshold} (${low.join(', ')})` });
    } else if (this.#graceTimer === undefined) {
      this.#graceTimer = setTimeout(() => {
        this.#graceTimer = undefined;
        this.#evaluate();
      }, this.#options.graceMs - waited);
    }
  }

  #fire(breach: Breach): void {
    if (this.#fired || !this.#armed) return;
    this.#fired = true;
    this.disarm();
    this.#options.onBreach(breach);
  }
}
