import type { Duration } from '../util/duration.ts';
import { parseDuration } from '../util/duration.ts';
import { HttpError } from './http-error.ts';

/** Body of `POST /api/v1/stop`. */
export interface StopAllBody {
  readonly all: true;
  readonly namespace?: string;
  readonly reason?: string;
  readonly timeout?: Duration;
}

/** Body of `POST /api/v1/experiments/{name}/stop` (optional). */
export interface StopOneBody {
  readonly reason?: string;
  readonly timeout?: Duration;
}

/** Body of `POST /api/v1/reap` (optional). */
export interface ReapBody {
  readonly namespace?: string;
}

/** Validates the body of `POST /api/v1/stop`: `{ "all": true, "namespace"?, "reason"?, "timeout"? }`. */
export function stopAllBody(body: Record<string, unknown> | undefined): StopAllBody {
  if (body === undefined) throw new HttpError(400, 'POST /api/v1/stop expects a JSON body {"all": true, "namespace"?: "...", "reason"?: "..."}');
  known(body, ['all', 'namespace', 'reason', 'timeout']);
  if (body.all !== true) throw new HttpError(400, `"all" must be true (POST /api/v1/experiments/{name}/stop stops one run), got ${JSON.stringify(body.all) ?? 'nothing'}`);
  return { all: true, ...optionalString(body, 'namespace'), ...optionalString(body, 'reason'), ...optionalDuration(body, 'timeout') };
}

/** Validates the optional body of `POST /api/v1/experiments/{name}/stop`: `{ "reason"?, "timeout"? }`. */
export function stopOneBody(body: Record<string, unknown> | undefined): StopOneBody {
  if (body === undefined) return {};
  known(body, ['reason', 'timeout']);
  return { ...optionalString(body, 'reason'), ...optionalDuration(body, 'timeout') };
}

/** Validates the optional body of `POST /api/v1/reap`: `{ "namespace"? }`. */
export function reapBody(body: Record<string, unknown> | undefined): ReapBody {
  if (body === undefined) return {};
  known(body, ['namespace']);
  return optionalString(body, 'namespace');
}

function known(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new HttpError(400, `unknown field "${key}" in the request body (known fields: ${allowed.join(', ')})`);
  }
}

function optionalString<K extends string>(body: Record<string, unknown>, key: K): { [P in K]?: string } {
  const value = body[key];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `"${key}" must be a non-empty string, got ${JSON.stringify(value)}`);
  return { [key]: value } as { [P in K]?: string };
}

function optionalDuration(body: Record<string, unknown>, key: string): { timeout?: Duration } {
  const value = body[key];
  if (value === undefined) return {};
  try {
    parseDuration(value, key);
  } catch (error) {
    throw new HttpError(400, `"${key}": ${(error as Error).message}`);
  }
  return { timeout: value as Duration };
}
