import type { Report } from '../experiment/report.ts';
import type { RunInfo } from '../registry/run-info.ts';
import { breakerLine } from '../report/breaker-line.ts';
import { age, columns, fields } from './output.ts';

/** The end-of-run report as a human reads it. */
export function reportTable(report: Report): string {
  const ms = report.endedAt ? Date.parse(report.endedAt) - Date.parse(report.startedAt) : null;
  const head = fields([
    ['run', report.id],
    ['namespace', report.target.namespace],
    ['target', report.target.selector],
    ['engine', report.engine],
    ['outcome', report.outcome],
    ['reason', report.abortReason],
    ['dry run', report.dryRun ? 'yes' : null],
    ['would kill', report.dryRun ? report.wouldKill.map((p) => p.name).join(', ') || 'none' : null],
    ['scaled', scaleLine(report)],
    ['drained', drainLine(report)],
    ['isolated', isolateLine(report)],
    ['kills', report.scale || report.drain || report.isolate ? null : report.kills.length],
    ['min health', report.minHealth === null ? null : report.minHealth.toFixed(2)],
    ['recovered in', report.timeToRecover === null ? null : `${(report.timeToRecover / 1000).toFixed(1)}s`],
    ['duration', ms === null ? null : `${(ms / 1000).toFixed(1)}s`],
    ['leftovers', report.leftovers.map((l) => `${l.kind} ${l.namespace}/${l.name} (${l.reason})`).join('; ')],
    ['breaker', (report.breaker ?? []).map(breakerLine).join('; ')],
  ]);
  if (report.kills.length === 0) return head;
  return `${head}\n${columns(['ROUND', 'POD', 'AT'], report.kills.map((k) => [String(k.round), k.pod, k.at]))}`;
}

/** A drain run's nodes, evictions, refusals and whether the nodes were uncordoned: `node-1: 3 evicted, 1 refused by a PDB, uncordoned`. */
function drainLine(report: Report): string | null {
  const d = report.drain;
  if (d === undefined) return null;
  const end = report.dryRun ? 'dry run, not applied' : d.uncordonedAt !== null ? 'uncordoned' : d.cordonedAt === null ? 'not applied' : 'NOT uncordoned (see leftovers)';
  const pods = d.evict ? `${d.evicted.length} ${report.dryRun ? 'to evict' : 'evicted'}, ${d.refused.filter((r) => !r.evicted).length} refused by a PDB` : 'cordon only';
  return `${d.nodes.join(', ')}: ${pods}, ${end}`;
}

/** A scale run's change and whether it was undone: `Deployment/web 3 -> 1, restored`. */
function scaleLine(report: Report): string | null {
  const s = report.scale;
  if (s === undefined) return null;
  const end = report.dryRun ? 'dry run, not applied' : s.restoredAt !== null ? 'restored' : s.scaledAt === null ? 'not applied' : 'NOT restored (see leftovers)';
  return `${s.kind}/${s.name} ${s.from} -> ${s.to}, ${end}`;
}

/** An isolate run's policy and whether it was removed: `ingress of 2 pod(s), NetworkPolicy kubechaos-isolate-…, removed`. */
function isolateLine(report: Report): string | null {
  const i = report.isolate;
  if (i === undefined) return null;
  const end = report.dryRun ? 'dry run, not applied' : i.removedAt !== null ? 'removed' : i.createdAt === null ? 'not applied' : 'NOT removed (see leftovers)';
  return `${i.direction} of ${i.pods.length} pod(s), NetworkPolicy ${i.policy}, ${end}`;
}

/** `kubechaos list` rows. */
export function runsTable(runs: readonly RunInfo[], withNamespace: boolean): string {
  if (runs.length === 0) return 'No runs found.\n';
  // A named run is listed by its name; the ID column appears once any run has one.
  const withId = runs.some((r) => r.name !== null && r.name !== undefined);
  const headers = ['NAME', ...(withId ? ['ID'] : []), ...(withNamespace ? ['NAMESPACE'] : []), 'FAULT', 'STATE', 'OUTCOME', 'KILLS', 'AGE', 'OWNER'];
  return columns(
    headers,
    runs.map((r) => [
      r.name ?? r.id,
      ...(withId ? [r.id] : []),
      ...(withNamespace ? [r.namespace] : []),
      r.fault,
      r.state,
      r.outcome ?? '-',
      r.kills === null ? '-' : String(r.kills),
      age(r.startedAt),
      r.owner ? `${r.owner.host}/${r.owner.pid}` : '-',
    ]),
  );
}

/** `kubechaos status NAME`, kubectl-describe style. */
export function runDetails(run: RunInfo): string {
  const spec = (run.spec ?? {}) as {
    selector?: string; count?: number; percent?: number; intervalMs?: number; durationMs?: number; dryRun?: boolean;
    workload?: { kind: string; name: string }; from?: number; to?: number;
    nodeSelector?: string; nodes?: string[]; evict?: boolean; policy?: string; direction?: string;
  };
  // A scale's spec names its workload and replicas instead of rounds.
  const scale = spec.workload ? `${spec.workload.kind}/${spec.workload.name} ${spec.from} -> ${spec.to}` : null;
  // A drain's spec names its nodes.
  const drain = spec.nodeSelector ? `${spec.nodeSelector} (${(spec.nodes ?? []).join(', ')})${spec.evict === false ? ', cordon only' : ''}` : null;
  // An isolate's spec names its NetworkPolicy and direction; it has no rounds either.
  const isolate = spec.policy ? `${spec.direction}, NetworkPolicy ${spec.policy}` : null;
  const held = scale ?? drain ?? isolate;
  return fields([
    ['Name', run.name ?? run.id],
    ['ID', run.name ? run.id : null],
    ['Namespace', run.namespace],
    ['Fault', run.fault],
    ['Engine', run.engine],
    ['State', run.state],
    ['Outcome', run.outcome],
    ['Reason', run.reason],
    ['Kills', run.kills],
    ['Target', spec.selector],
    ['Scale', scale],
    ['Drain', drain],
    ['Isolate', isolate],
    ['Per round', held ? null : spec.percent === undefined || spec.percent === null ? (spec.count ?? 1) : `${spec.percent}%`],
    ['Every', held ? null : spec.intervalMs ? `${spec.intervalMs / 1000}s` : 'single round'],
    ['For', spec.durationMs ? `${spec.durationMs / 1000}s` : null],
    ['Dry run', spec.dryRun ? 'yes' : null],
    ['Owner', run.owner ? `${run.owner.host}/${run.owner.pid}` : null],
    ['Started', run.startedAt],
    ['Deadline', run.endedAt ? null : run.deadline],
    ['Renewed', run.endedAt ? null : run.renewedAt],
    ['Expires', run.endedAt ? null : run.expiresAt],
    ['Stop requested', run.stopRequest ? `${run.stopRequest.at} by ${run.stopRequest.by}: ${run.stopRequest.reason}` : null],
    ['Ended', run.endedAt],
  ]);
}
