import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http-error.ts';

/** The challenge every 401 carries. */
export const CHALLENGE = { 'www-authenticate': 'Bearer realm="kubechaos"' } as const;

/**
 * The bearer token of a request; undefined when it sends no `Authorization` header. Any other
 * scheme, or an empty token, is a 401 saying what to send.
 */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw new HttpError(401, 'the Authorization header must be "Bearer <token>" with a Kubernetes token (e.g. `kubectl create token NAME`)', CHALLENGE);
  return match[1];
}
