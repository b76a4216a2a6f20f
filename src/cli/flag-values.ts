// Parsers of flag values. Each refuses a bad value while commander reads the arguments, so that
// the error names the flag and the command exits 2 before loading a kubeconfig or sending a
// request. Durations need a unit, the way kubectl reads them: `--for 30` is refused, not 30 ms.
import { InvalidArgumentError } from 'commander';
import { parseSelector } from '../cluster/selector.ts';
import { probeUrl } from '../safety/probes/http.ts';
import { describe, readDuration } from '../util/duration.ts';
import { isDnsLabel, isDnsSubdomain } from '../util/names.ts';
import { RUN_NAME } from '../experiment/option-types.ts';

/** An integer flag in [min, max]. @example `.option('--count <n>', '...', integerFlag('--count', 1))` */
export function integerFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new InvalidArgumentError(`${flag} must be an integer ${range}, got ${describe(value)}.`);
    }
    return n;
  };
}

/** A number flag in [min, max] (`(min, max]` with `openMin`). @example `numberFlag('--safety-threshold', 0, 1)` */
export function numberFlag(flag: string, min: number, max: number, openMin = false) {
  return (value: string): number => {
    const n = Number(value);
    const ok = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) && Number.isFinite(n) && (openMin ? n > min : n >= min) && n <= max;
    if (!ok) throw new InvalidArgumentError(`${flag} must be a number in ${openMin ? '(' : '['}${min}, ${max}], got ${describe(value)}.`);
    return n;
  };
}

/**
 * A duration flag: a number with a unit (ms, s, m, h; `1m30s`), from `minMs` to Node's timer
 * limit. Returns milliseconds. A bare number is refused with the fix (`--for 30s`).
 */
export function durationFlag(flag: string, minMs = 1) {
  return (value: string): number => {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) {
      throw new InvalidArgumentError(
        `${flag} must be a duration with a unit, as kubectl reads it: write ${flag} ${text}s for ${text} seconds (or ${flag} ${text}ms). Units: ms, s, m, h.`,
      );
    }
    const result = readDuration(text, { requireUnit: true });
    if (!result.ok) {
      throw new InvalidArgumentError(`${flag} must be a duration such as 500ms, 5s, 1m30s, got ${describe(value)}${result.reason ? `: ${result.reason}` : ''}.`);
    }
    if (result.ms < minMs) throw new InvalidArgumentError(`${flag} must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`}, got ${describe(value)}.`);
    return result.ms;
  };
}

/** Like {@link durationFlag}, but keeps the text (for options that take a Duration string). */
export function durationTextFlag(flag: string, minMs = 1) {
  const parse = durationFlag(flag, minMs);
  return (value: string): string => {
    parse(value);
    return value.trim();
  };
}

/** A namespace flag (DNS-1123 label). */
export function namespaceFlag(flag: string) {
  return (value: string): string => {
    if (!isDnsLabel(value)) {
      throw new InvalidArgumentError(
        `${flag} must be a namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, got ${describe(value)}.`,
      );
    }
    return value;
  };
}

/** A label selector flag, checked as the API server would (keys, values, operators). */
export function selectorFlag(flag: string) {
  return (value: string): string => {
    try {
      parseSelector(value, flag);
    } catch (error) {
      throw new InvalidArgumentError(`${flag}: ${(error as Error).message}`);
    }
    return value;
  };
}

/** A repeatable http(s) URL flag (`--probe-http`). */
export function urlFlag(flag: string) {
  return (value: string, previous: string[]): string[] => {
    try {
      probeUrl(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    return [...previous, value];
  };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet'] as const;

/** A workload reference `Kind/name` of a repeatable flag (`--probe-readiness Deployment/web`). */
export function workloadFlag(flag: string) {
  return (value: string, previous: Array<{ kind: (typeof WORKLOAD_KINDS)[number]; name: string }>) => {
    const [kind, name, extra] = value.split('/');
    if (!(WORKLOAD_KINDS as readonly string[]).includes(kind ?? '') || extra !== undefined || !isDnsSubdomain(name)) {
      throw new InvalidArgumentError(
        `${flag} expects Deployment/NAME, StatefulSet/NAME or ReplicaSet/NAME, where NAME is an object name (lowercase letters, digits, '-' and '.'), got ${describe(value)}.`,
      );
    }
    return [...previous, { kind: kind as (typeof WORKLOAD_KINDS)[number], name }];
  };
}

/** `--steady-state`: 'available', 'off', or a health level in [0, 1]. */
export function steadyStateFlag(value: string): 'available' | 'off' | number {
  const v = value.trim();
  if (v === 'available' || v === 'off') return v;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError(`--steady-state must be 'available', 'off' or a health level in [0, 1], got ${JSON.stringify(value)}.`);
  }
  return n;
}

/** `--name`: a run name is stored as a label value, so it follows that syntax (the SDK's `name` option checks the same). */
export function runNameFlag(value: string): string {
  if (!RUN_NAME.test(value)) {
    throw new InvalidArgumentError(`--name must be at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, got ${describe(value)}.`);
  }
  return value;
}

/** A PromQL health condition of a repeatable flag: `QUERY<NUMBER` or `QUERY>NUMBER` (healthy while it holds). */
export interface PrometheusCondition {
  readonly query: string;
  readonly below?: number;
  readonly above?: number;
}

/**
 * `--probe-prometheus 'QUERY<0.01'`: the LAST `<` or `>` followed by a number ends the query, so
 * a query may itself compare (`up > 0 < 2` is `up > 0` below 2).
 */
export function prometheusConditionFlag(flag: string) {
  return (value: string, previous: PrometheusCondition[]): PrometheusCondition[] => {
    const m = /^([\s\S]*?\S)\s*([<>])\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i.exec(value);
    if (!m) {
      throw new InvalidArgumentError(
        `${flag} expects QUERY<NUMBER or QUERY>NUMBER, the condition under which the target is healthy, e.g. 'sum(rate(http_requests_total{code=~"5.."}[30s])) / sum(rate(http_requests_total[30s])) < 0.01', got ${describe(value)}.`,
      );
    }
    const [, query, op, limit] = m as unknown as [string, string, '<' | '>', string];
    return [...previous, op === '<' ? { query, below: Number(limit) } : { query, above: Number(limit) }];
  };
}
