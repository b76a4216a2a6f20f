import type { ServerResponse } from 'node:http';

/**
 * A signal that aborts when the client goes away before its response was sent, or when
 * `server` aborts (the server is closing).
 */
export function clientSignal(res: ServerResponse, server: AbortSignal): AbortSignal {
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) gone.abort(new Error('the client disconnected'));
  });
  return AbortSignal.any([gone.signal, server]);
}
