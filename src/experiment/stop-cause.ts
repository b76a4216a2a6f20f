import type { Outcome } from '../data/report.ts';
import { errorFields } from '../logger.ts';

/** Why a run stopped; the first cause wins. */
export type StopCause =
  | { readonly kind: 'completed' }
  | { readonly kind: 'deadline'; readonly message: string }
  | { readonly kind: 'stop'; readonly message: string }
  | { readonly kind: 'safety'; readonly message: string }
  | { readonly kind: 'signal'; readonly reason: unknown; readonly message: string }
  | { readonly kind: 'process-signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'registry'; readonly message: string }
  | { readonly kind: 'body'; readonly error: unknown }
  | { readonly kind: 'engine'; readonly error: unknown };

/** The outcome a stop cause settles the report with (teardown may still turn it into `error`). */
export function outcomeOf(cause: StopCause): Exclude<Outcome, 'running'> {
  switch (cause.kind) {
    case 'completed':
    case 'deadline':
    case 'stop':
      return 'passed';
    case 'body':
      return 'failed';
    case 'engine':
      return 'error';
    default:
      return 'aborted';
  }
}

/** The cause in one line, for the report, the audit trail and the body's abort reason; null for a normal end. */
export function describeCause(cause: StopCause): string | null {
  switch (cause.kind) {
    case 'completed':
      return null;
    case 'deadline':
    case 'stop':
    case 'safety':
    case 'signal':
    case 'registry':
      return cause.message;
    case 'process-signal':
      return `interrupted by ${cause.signal}`;
    case 'body':
      return `the body threw: ${errorFields(cause.error).err.message}`;
    case 'engine':
      return `the engine failed: ${errorFields(cause.error).err.message}`;
  }
}
