// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/** One health sample. @example `{ t: '2026-…', health: 0.95, probes: { 'http GET /health': 0.95 } }` */
export interface HealthSample {
  readonly t: string;
  readonly health: number | null;
  readonly probes: Readonly<Record<string, number | null>>;
}
