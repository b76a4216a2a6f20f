import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.ts';

/** Largest request body the control API reads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Reads the request body as a JSON object; undefined when the body is empty. A body that is not
 * JSON, not an object, or over {@link MAX_BODY_BYTES} is an HttpError (400, 413) naming the problem.
 * The content-type is not checked: `curl -d '{"all": true}'` sends a form type.
 */
export async function readJsonObject(req: IncomingMessage, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
  const text = await readText(req, signal);
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, `the request body must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads the request body as UTF-8 text, at most {@link MAX_BODY_BYTES}: a longer body is a 413
 * (its announced `content-length` is refused before reading). The server's request timeout
 * bounds a client that sends slowly.
 */
export async function readText(req: IncomingMessage, signal: AbortSignal): Promise<string> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > MAX_BODY_BYTES) throw new HttpError(413, `request body of ${announced} bytes is over the limit of ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    signal.throwIfAborted();
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over the limit of ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
