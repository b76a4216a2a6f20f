import type { BreakerChange } from '../data/breaker-change.ts';
import type { EngineSections } from '../data/engine-sections.ts';
import type { Kill, PodRef } from '../data/kill.ts';
import type { Leftover } from '../data/leftover.ts';
import type { Outcome, Report, ReportTarget } from '../data/report.ts';
import type { HealthSample } from '../data/sample.ts';
import type { RetriedCall, SkippedRound, Stall } from '../data/stall.ts';

/** Accumulates a {@link Report} while a run lives; `snapshot()` returns a frozen copy. */
export class ReportBuilder {
  readonly id: string;
  #engine: string;
  #fault: string;
  #target: ReportTarget;
  #dryRun: boolean;
  #threshold: number | null;
  #startedAt = new Date().toISOString();
  #endedAt: string | null = null;
  #stoppedAt: string | null = null;
  #kills: Kill[] = [];
  #wouldKill: PodRef[] = [];
  #timeline: HealthSample[] = [];
  #minHealth: number | null = null;
  #faultActive = true;
  #timeToRecover: number | null = null;
  #outcome: Outcome = 'running';
  #abortReason: string | null = null;
  #stopCause: string | null = null;
  #stalls: Stall[] = [];
  #skipped: SkippedRound[] = [];
  #retries: RetriedCall[] = [];
  #leftovers: Leftover[] = [];
  #breaker: BreakerChange[] = [];
  #details: (() => EngineSections) | undefined;

  constructor(init: { id: string; fault: string; engine: string; target: ReportTarget; dryRun: boolean; threshold: number | null }) {
    this.id = init.id;
    this.#fault = init.fault;
    this.#engine = init.engine;
    this.#target = init.target;
    this.#dryRun = init.dryRun;
    this.#threshold = init.threshold;
  }

  start(): void {
    this.#startedAt = new Date().toISOString();
  }

  kill(kill: Kill): void {
    this.#kills.push(kill);
  }

  wouldKill(pods: readonly PodRef[]): void {
    this.#wouldKill.push(...pods);
  }

  sample(sample: HealthSample): void {
    const last = this.#timeline.at(-1);
    const unchanged = last !== undefined && last.health === sample.health && sameProbes(last.probes, sample.probes);
    if (last !== undefined && Date.parse(sample.t) <= Date.parse(last.t)) {
      // Timeline times are strictly increasing: a reading within the same millisecond replaces
      // the previous one (minHealth below still counts both).
      if (!unchanged) this.#timeline[this.#timeline.length - 1] = { ...sample, t: last.t };
    } else if (!unchanged || Date.parse(sample.t) - Date.parse(last.t) >= 1000) this.#timeline.push(sample);
    if (this.#faultActive && sample.health !== null) {
      this.#minHealth = this.#minHealth === null ? sample.health : Math.min(this.#minHealth, sample.health);
    }
  }

  /** The fault is over: later samples no longer count towards `minHealth`. */
  faultEnded(): void {
    this.#faultActive = false;
  }

  recovered(ms: number): void {
    this.#timeToRecover = ms;
  }

  /** First call wins: the outcome, cause and reason of the event that ended the run. */
  settle(outcome: Exclude<Outcome, 'running'>, reason: string | null = null, cause: string | null = null): void {
    if (this.#outcome !== 'running') return;
    this.#stoppedAt = new Date().toISOString();
    this.#outcome = outcome;
    this.#abortReason = reason;
    this.#stopCause = cause;
  }

  stall(stall: Stall): void {
    this.#stalls.push(stall);
  }

  skippedRound(skip: SkippedRound): void {
    this.#skipped.push(skip);
  }

  retry(call: RetriedCall): void {
    this.#retries.push(call);
  }

  /** Overrides the outcome (teardown failures turn any outcome into `error`). */
  override(outcome: Exclude<Outcome, 'running'>, reason: string | null): void {
    this.#outcome = outcome;
    this.#abortReason ??= reason;
  }

  get outcome(): Outcome {
    return this.#outcome;
  }

  leftover(leftover: Leftover): void {
    this.#leftovers.push(leftover);
  }

  /** A change the run made to its target's breaker. */
  breaker(change: BreakerChange): void {
    this.#breaker.push(change);
  }

  /** Engine-specific sections (e.g. `litmus`), read at every snapshot. */
  details(provider: () => EngineSections): void {
    this.#details = provider;
  }

  end(): void {
    this.#endedAt ??= new Date().toISOString();
  }

  /**
   * The engine's sections as it hands them, unread: every key it set, after the core fields
   * (which it cannot replace).
   */
  #withEngineSections(core: Report): Report {
    const sections = Object.entries(this.#details?.() ?? {}).filter(([key, value]) => value !== undefined && !(key in core));
    return sections.length === 0 ? core : { ...core, ...Object.fromEntries(sections) };
  }

  /** Kills so far and the lowest health: what the registry publishes on each heartbeat (cheaper than a snapshot). */
  progress(): { readonly kills: number; readonly minHealth: number | null } {
    return { kills: this.#kills.length, minHealth: this.#minHealth };
  }

  snapshot(): Report {
    return deepFreeze(this.#withEngineSections({
      id: this.id,
      fault: this.#fault,
      engine: this.#engine,
      target: this.#target,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      stoppedAt: this.#stoppedAt,
      dryRun: this.#dryRun,
      wouldKill: [...this.#wouldKill],
      kills: [...this.#kills],
      threshold: this.#threshold,
      timeline: [...this.#timeline],
      minHealth: this.#minHealth,
      timeToRecover: this.#timeToRecover,
      outcome: this.#outcome,
      stopCause: this.#stopCause,
      abortReason: this.#abortReason,
      stalls: [...this.#stalls],
      skippedRounds: [...this.#skipped],
      retries: [...this.#retries],
      leftovers: [...this.#leftovers],
      breaker: [...this.#breaker],
    } satisfies Report));
  }
}

function sameProbes(a: Readonly<Record<string, number | null>>, b: Readonly<Record<string, number | null>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
