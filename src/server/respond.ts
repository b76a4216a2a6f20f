import type { ServerResponse } from 'node:http';
import { isChaosError } from '../errors/guards.ts';
import { HttpError } from './http-error.ts';
import { sendJson } from './json.ts';
import type { Reply } from './reply.ts';

/** Writes a handler's reply. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  if ('text' in reply) {
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.text) });
    res.end(reply.text);
  } else {
    sendJson(res, reply.status, reply.body);
  }
}

/**
 * Writes an error as `{ error, code? }`: an HttpError with its status and headers, a TypeError of
 * the library's validation as 400, a failed Kubernetes call as 502, anything else as 500.
 */
export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.message }, error.headers);
  } else if (isChaosError(error)) {
    sendJson(res, error.code === 'CLUSTER_ERROR' ? 502 : 500, { error: error.message, code: error.code });
  } else if (error instanceof TypeError) {
    sendJson(res, 400, { error: error.message });
  } else {
    sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
}
