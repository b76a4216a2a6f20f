// The one shape of every benchmark result (see BENCH.md): distributions and ratios, with the
// machine and the date.
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Distribution { unit: string; n: number; p50: number; p99: number; max: number; min?: number }
export interface Ratio { unit: 'ratio'; n: number; value: number; baseline: string }
export type Metric = Distribution | Ratio | { unit: string; n: number; value: number; [k: string]: unknown };

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function distribution(values: readonly number[], unit = 'ms', digits = 1): Distribution {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Number(x.toFixed(digits));
  return { unit, n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s[s.length - 1] ?? NaN), min: r(s[0] ?? NaN) };
}

export function resultPath(name: string): string {
  return fileURLToPath(new URL(`./results/${name}.json`, import.meta.url));
}

export function readResult(name: string): { metrics?: Record<string, Metric>; notes?: string } | undefined {
  try {
    return JSON.parse(readFileSync(resultPath(name), 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeResult(name: string, metrics: Record<string, Metric>, notes: string, kubernetes = `v${process.env.KUBECHAOS_K8S_VERSION ?? '1.36.3'}`): void {
  const result = {
    benchmark: name,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kubernetes },
    metrics,
    notes,
  };
  writeFileSync(resultPath(name), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
