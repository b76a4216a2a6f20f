import type { ServerResponse } from 'node:http';
import { ExperimentFileError } from '../cli/experiment-file-error.ts';
import { isChaosError, isPreflightError } from '../errors/guards.ts';
import { HttpError } from './http-error.ts';
import { sendJson } from './json.ts';
import type { Reply } from './reply.ts';

/** Writes a handler's reply. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if ('text' in reply) {
    res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.text) });
    res.end(reply.text);
  } else {
    sendJson(res, reply.status, reply.body, reply.headers);
  }
}

/** Preflight refusals that another run or the breaker causes: the request may succeed later. */
const CONFLICTS = new Set(['RUN_NAME_TAKEN', 'TARGET_BUSY', 'CIRCUIT_OPEN']);

/**
 * The status and body of an error: an HttpError as it says; a bad experiment document 400 naming
 * the field (and line); a preflight refusal 409 when another run or the breaker is in the way, 422
 * otherwise (nothing was changed in the cluster); a failed Kubernetes call 502 (404 when it was
 * a 404); a TypeError of the library's validation 400; anything else 500.
 */
export function errorReply(error: unknown): { status: number; body: Record<string, unknown>; headers?: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message }, headers: error.headers };
  if (error instanceof ExperimentFileError) {
    return { status: 400, body: { error: error.message, code: 'BAD_EXPERIMENT', field: error.field ?? null, line: error.line, column: error.column } };
  }
  if (isChaosError(error)) {
    const status =
      error.code === 'CLUSTER_ERROR' ? ((error as { status?: number }).status === 404 ? 404 : 502)
      : CONFLICTS.has(error.code) ? 409
      : isPreflightError(error) ? 422
      : 500;
    return { status, body: { error: error.message, code: error.code } };
  }
  if (error instanceof TypeError) return { status: 400, body: { error: error.message } };
  return { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
}

/** Writes an error as `{ error, code?, field? }` with the status {@link errorReply} picks. */
export function sendError(res: ServerResponse, error: unknown): void {
  const { status, body, headers } = errorReply(error);
  sendJson(res, status, body, headers);
}
