// Plain data of a run, shared by every layer: this folder imports nothing outside itself.

/** One permission the fault needs, as checked with a SelfSubjectAccessReview. @example `{ verb: 'delete', resource: 'pods', group: '', namespace: 'shop' }` */
export interface Permission {
  readonly verb: string;
  readonly resource: string;
  /** API group; `''` is the core group. */
  readonly group: string;
  readonly namespace: string;
}
