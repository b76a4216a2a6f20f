// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/** A pod. @example `{ name: 'web-7d9f-abcde', uid: '…' }` */
export interface PodRef {
  readonly name: string;
  readonly uid: string;
}

/** One pod deletion, with the time the delete was issued. @example `{ pod: 'web-1', uid: '…', at: '2026-…' }` */
export interface Kill {
  readonly pod: string;
  readonly uid: string;
  readonly at: string;
  /** Index of the round (0-based). */
  readonly round: number;
}
