/**
 * A structured logger, compatible with pino: each method takes a context object and a message.
 * kubechaos never logs tokens, certificates or request bodies.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const chaos = createChaos({ logger: pino({ level: 'debug' }) });
 * ```
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};

/**
 * The default logger: discards everything.
 *
 * @example
 * ```ts
 * const chaos = createChaos({ logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** Serialises an error for a log line without its stack's secrets (messages only). */
export function errorFields(error: unknown): { err: { name: string; message: string; code?: unknown } } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) } };
  }
  return { err: { name: 'NonError', message: String(error) } };
}
