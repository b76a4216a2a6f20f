import type { Logger } from '../logger.ts';

/**
 * A pino-compatible logger that writes one JSON object per line (`{ level, time, msg, ... }`) to
 * `stream`: what `kubechaos serve` logs its audit trail with, so a cluster's log pipeline can
 * read it without pino installed.
 */
export function jsonLineLogger(stream: { write(text: string): unknown }): Logger {
  const line = (level: string) => (obj: object, msg?: string): void => {
    stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...obj, ...(msg === undefined ? {} : { msg }) })}\n`);
  };
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}
