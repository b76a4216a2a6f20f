// Polls until a condition holds, or fails naming what it waited for and the last error.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      // One check may not hang the wait: a request on a connection to an API server that was
      // killed can wait forever. Past the deadline (at most 30 s a check) it counts as failed.
      const bound = Math.max(1_000, Math.min(30_000, deadline - Date.now()));
      let timer: NodeJS.Timeout | undefined;
      const v = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`a check took over ${bound} ms`)), bound))),
      ]).finally(() => clearTimeout(timer));
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(intervalMs);
  }
}
