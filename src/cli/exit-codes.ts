/**
 * Exit codes of the `kubechaos` CLI (documented in docs/cli.md). A run interrupted by SIGINT or
 * SIGTERM tears down, prints its report, then exits 130 / 143 (128 + the signal's number, as a shell reports it).
 */
export const EXIT = Object.freeze({
  /** Success: the run passed, every stop was confirmed, the reap was complete. */
  ok: 0,
  /** An unexpected error: the cluster was unreachable, an API call failed, a bug. */
  error: 1,
  /** Bad usage: unknown command or flag, bad flag value, invalid experiment file. Nothing was changed. */
  usage: 2,
  /** The run was aborted: a safety breach, a stop request from another process, a signal. */
  aborted: 3,
  /** The run failed: health did not recover in time. */
  failed: 4,
  /** The run was refused before it changed anything (preflight, or the client breaker is open). */
  refused: 5,
  /** `stop`: at least one run did not confirm (its Lease was not released in time, or is stale). */
  unconfirmed: 6,
  /** `status`/`stop`: no run with that name. */
  notFound: 7,
  /** Something was left behind: a run's teardown or a reap could not remove everything. */
  leftovers: 8,
});

/** An error the CLI reports as one line on stderr and turns into `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error: exit code 2. */
export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}
