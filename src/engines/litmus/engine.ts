// The Litmus engine behind the SDK's Engine interface: a plan becomes a ChaosEngine of the
// configured experiment (pod-delete by default); the lifecycle's stop becomes engineState: stop +
// delete; pod deletions seen on the target selector while the engine runs are reported as kills.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PodInfo } from '../../cluster/port.ts';
import type { Permission } from '../../data/permission.ts';
import type { Leftover } from '../../data/leftover.ts';
import { chooseVictims, type PodKillPlan } from '../../faults/pod-kill.ts';
import type { FaultPlan } from '../../faults/plan.ts';
import { errorFields } from '../../logger.ts';
import type { Engine, EngineContext, EnginePreflightContext, EngineReportDetails, Injection } from '../engine.ts';
import { LITMUS_EXPERIMENTS } from './catalog.ts';
import type { LitmusProbe } from './litmus-probe.ts';
import { createLitmusClient, type LitmusClient } from './client.ts';
import type { LitmusWorkloadKind, Placement } from './engine-manifest.ts';
import { ChaosError } from '../../errors/chaos-error.ts';
import { preflight } from './preflight.ts';
import { litmusReport } from './report.ts';
import { LITMUS_API_VERSION, LitmusRun, type LitmusSnapshot } from './run.ts';
import { RUN_ID_LABEL } from '../../labels.ts';
import { whenAborted } from '../../util/abort.ts';

/** Options of {@link litmusEngine}. */
export interface LitmusEngineOptions {
  readonly kubeConfig: KubeConfig;
  /** The ChaosEngine's chaosServiceAccount, in the target namespace (default `litmus-chaos`). */
  readonly serviceAccount?: string;
  /** Workload kind of the target pods' owner (default `deployment`). */
  readonly kind?: LitmusWorkloadKind;
  /** Litmus version for the runner and installed experiment images. */
  readonly version?: string;
  /** Install the experiment's ChaosExperiment when missing and known (default true). */
  readonly install?: boolean;
  /** The Litmus experiment every plan runs as (default `pod-delete`). */
  readonly experiment?: string;
  readonly statusCheckTimeouts?: { readonly delay: number; readonly timeout: number };
  readonly placement?: Placement;
  /** Remove the operator's finalizer when the operator does not (default false: reported as a leftover). */
  readonly force?: boolean;
  /** Budget of the Litmus teardown: the operator stopping, then releasing, the ChaosEngine (default 30 s). */
  readonly teardownTimeoutMs?: number;
  /** Extra experiment env, over the env derived from the plan (validated against the experiment's documented names). */
  readonly env?: Readonly<Record<string, string>>;
  /** Litmus probes for the ChaosEngine, as the CRD spells them (`.litmusProbe()`, a ChaosEngine file's `experiments[].spec.probe[]`). Their results decide the verdict. */
  readonly probes?: readonly LitmusProbe[];
  /** Use this client instead of one made from `kubeConfig` (tests). */
  readonly client?: LitmusClient;
  /** `components.runner.image` (default `litmuschaos/chaos-runner:<version>`). */
  readonly runnerImage?: string;
  /** `experiments[].spec.components.experimentImage`; also the image of a ChaosExperiment kubechaos installs. */
  readonly experimentImage?: string;
  /** The ChaosEngine's `terminationGracePeriodSeconds` (grace of the chaos pods on abort). */
  readonly terminationGracePeriodSeconds?: number;
  /** Extra labels on the ChaosEngine (a ChaosEngine file's `metadata.labels`); the run-id labels win. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Litmus's default STATUS_CHECK_TIMEOUT, in seconds (chaos-runner's engine defaults). */
const DEFAULT_STATUS_CHECK_TIMEOUT_S = 180;

/** Pod-delete env for a pod-kill plan: duration, interval, force, percentage of pods. */
export function podDeleteEnv(plan: PodKillPlan, targetCount: number): Record<string, string> {
  const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
  const env: Record<string, string> = {
    TOTAL_CHAOS_DURATION: seconds(plan.durationMs),
    CHAOS_INTERVAL: seconds(plan.intervalMs ?? plan.durationMs),
    FORCE: plan.gracePeriodSeconds === 0 ? 'true' : 'false',
  };
  const percent = plan.percent ?? (plan.count !== undefined && targetCount > 0 ? Math.ceil((plan.count * 100) / targetCount) : undefined);
  if (percent !== undefined) env.PODS_AFFECTED_PERC = String(Math.min(100, percent));
  return env;
}

/**
 * Env of any experiment for a plan: TOTAL_CHAOS_DURATION from `for`, CHAOS_INTERVAL from `every`
 * (when the experiment reads it), PODS_AFFECTED_PERC from `percent`/`count`; pod-delete also FORCE.
 */
export function litmusEnv(experiment: string, plan: PodKillPlan, targetCount: number): Record<string, string> {
  if (experiment === 'pod-delete') return podDeleteEnv(plan, targetCount);
  const known = LITMUS_EXPERIMENTS[experiment]?.env;
  const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
  const env: Record<string, string> = { TOTAL_CHAOS_DURATION: seconds(plan.durationMs) };
  if (plan.intervalMs !== undefined && (known === undefined || 'CHAOS_INTERVAL' in known)) env.CHAOS_INTERVAL = seconds(plan.intervalMs);
  const percent = plan.percent ?? (plan.count !== undefined && targetCount > 0 ? Math.ceil((plan.count * 100) / targetCount) : undefined);
  if (percent !== undefined) env.PODS_AFFECTED_PERC = String(Math.min(100, percent));
  return env;
}

/** What the Litmus injection adds to the report: the engine's and result's last state. */
export interface LitmusDetails {
  readonly snapshot: LitmusSnapshot | undefined;
  readonly events: LitmusRun['events'];
}

/**
 * An {@link Engine} that runs plans through LitmusChaos (the pod-delete experiment unless
 * `experiment` names another).
 *
 * @example
 * ```ts
 * const engine = litmusEngine({ kubeConfig: kc, serviceAccount: 'litmus-chaos' });
 * ```
 */
export function litmusEngine(options: LitmusEngineOptions): Engine & { readonly name: 'litmus' } {
  const client = options.client ?? createLitmusClient(options.kubeConfig);
  const serviceAccount = options.serviceAccount ?? 'litmus-chaos';
  const experiment = options.experiment ?? 'pod-delete';
  // Runs whose Litmus preflight already passed (in the lifecycle's preflight step).
  const checked = new Set<string>();
  const check = async (plan: PodKillPlan, runId: string, env: Record<string, string>) => {
    await preflight(client, {
      runId, namespace: plan.namespace, experiment, serviceAccount, env,
      ...(options.install === undefined ? {} : { install: options.install }),
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.experimentImage === undefined ? {} : { experimentImage: options.experimentImage }),
    });
  };
  return Object.freeze({
    name: 'litmus' as const,
    // pod-delete is the pod kill the plan describes; any other experiment is its own fault.
    ...(experiment === 'pod-delete' ? {} : { fault: experiment }),
    // The experiment runs TOTAL_CHAOS_DURATION after the runner and the experiment pod start and
    // the pre-chaos status check; then the post-chaos check. Each check waits at most
    // STATUS_CHECK_TIMEOUT (default 180 s); start-up gets 30 s.
    overrunMs: () => 2 * (options.statusCheckTimeouts?.timeout ?? DEFAULT_STATUS_CHECK_TIMEOUT_S) * 1000 + 30_000,
    permissions: (plan: FaultPlan): Permission[] => {
      const ns = plan.namespace;
      const p = (verb: string, resource: string, group: string): Permission => ({ verb, resource, group, namespace: ns });
      return [
        p('list', 'pods', ''), p('watch', 'pods', ''),
        p('get', 'chaosexperiments', 'litmuschaos.io'), p('create', 'chaosexperiments', 'litmuschaos.io'),
        p('create', 'chaosengines', 'litmuschaos.io'), p('patch', 'chaosengines', 'litmuschaos.io'),
        p('delete', 'chaosengines', 'litmuschaos.io'), p('watch', 'chaosengines', 'litmuschaos.io'),
        p('watch', 'chaosresults', 'litmuschaos.io'), p('delete', 'chaosresults', 'litmuschaos.io'),
        p('create', 'subjectaccessreviews', 'authorization.k8s.io'),
      ].filter((x) => x.resource !== 'subjectaccessreviews'); // cluster-scoped; checked when used
    },
    preflight: async (faultPlan: FaultPlan, context: EnginePreflightContext): Promise<void> => {
      // The lifecycle calls preflight before inject: a plan Litmus cannot run is refused here.
      if (faultPlan.kind !== 'pod-kill') throw new TypeError(`The litmus engine runs pod faults only, not '${faultPlan.kind}': use the native engine.`);
      const plan = faultPlan;
      if (plan.dryRun) return; // a dry run writes nothing (installing a ChaosExperiment would)
      const pods = await context.cluster.listPods(plan.namespace, plan.selector, { signal: context.signal });
      await check(plan, context.runId, { ...litmusEnv(experiment, plan, pods.length), ...options.env });
      checked.add(context.runId);
    },
    inject: (plan: PodKillPlan, context: EngineContext): Injection & { details(): LitmusDetails; reportDetails(): EngineReportDetails } => {
      let run: LitmusRun | undefined;
      let halted = false;
      let leftovers: Leftover[] = [];
      let stopping: Promise<void> | undefined;
      const watchStop = new AbortController();
      // Aborted by stop(): ends the wait for the engine to finish, which nothing else would end
      // when the operator is gone (the engine is then never completed, stopped or deleted).
      const halt = new AbortController();
      // Aborted by the signal of any stop() call: cuts the teardown's waits short.
      const cancel = new AbortController();
      const seen = new Map<string, PodInfo>();
      let env: Record<string, string> = { ...options.env };
      // Probes Litmus can run too (probes.prometheus → promProbe) go into the ChaosEngine as well.
      const litmusProbes = [...(options.probes ?? []), ...(context.probes ?? []).flatMap((p) => (p.litmusProbe === undefined ? [] : [p.litmusProbe]))];

      let created!: (run: LitmusRun | undefined) => void;
      let creationSettled = false;
      const creation = new Promise<LitmusRun | undefined>((resolve) => { created = resolve; });
      void creation.then(() => { creationSettled = true; });
      const finished = (async () => {
        const pods = await context.cluster.listPods(plan.namespace, plan.selector, { signal: watchStop.signal });
        if (plan.dryRun) {
          context.onWouldKill(chooseVictims(pods, plan, context.random).map((p) => ({ name: p.name, uid: p.uid })));
          return;
        }
        env = { ...litmusEnv(experiment, plan, pods.length), ...options.env };
        if (!checked.delete(context.runId)) await check(plan, context.runId, env);
        if (halted) return;
        // Kills are the target pods that start terminating while the engine runs.
        let round = 0;
        // Awaited: watchPods resolves once the pods are listed and the watch is open, so no kill
        // made by the ChaosEngine created below can be missed.
        await context.cluster.watchPods(plan.namespace, plan.selector, (current) => {
          for (const pod of current) {
            if (pod.terminating && !seen.has(pod.uid) && run && !halted) {
              seen.set(pod.uid, pod);
              context.onKill({ pod: pod.name, uid: pod.uid, at: new Date().toISOString(), round: round++ }, pod);
            } else if (!pod.terminating) seen.delete(pod.uid);
          }
        }, (error) => context.logger.warn({ runId: context.runId, ...errorFields(error) }, 'litmus: target pod watch failed'), watchStop.signal)
          .catch((error: unknown) => context.logger.warn({ runId: context.runId, ...errorFields(error) }, 'litmus: target pod watch failed'));
        run = await LitmusRun.create(client, {
          runId: context.runId, namespace: plan.namespace, experiment, serviceAccount, env,
          target: { namespace: plan.namespace, kind: options.kind ?? 'deployment', selector: plan.selector },
          ...(options.version === undefined ? {} : { version: options.version }),
          ...(options.statusCheckTimeouts === undefined ? {} : { statusCheckTimeouts: options.statusCheckTimeouts }),
          ...(options.placement === undefined ? {} : { placement: options.placement }),
          ...(litmusProbes.length === 0 ? {} : { probes: litmusProbes }),
          ...(options.runnerImage === undefined ? {} : { runnerImage: options.runnerImage }),
          ...(options.experimentImage === undefined ? {} : { experimentImage: options.experimentImage }),
          ...(options.terminationGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }),
          ...(options.labels === undefined ? {} : { labels: options.labels }),
        });
        created(run);
        context.logger.info({ runId: context.runId, chaosEngine: run.name }, 'litmus: ChaosEngine created');
        if (halted) return;
        let end: LitmusSnapshot;
        try {
          end = await run.waitFor((x) => !x.exists || x.engineStatus === 'completed' || x.engineStatus === 'stopped', undefined, halt.signal);
        } catch (error) {
          if (halt.signal.aborted) return; // stopped: teardown reports how the engine ended
          throw error;
        }
        const result = end.result;
        if (result?.phase === 'Error' || result?.verdict === 'Error') {
          throw new ChaosError('LITMUS_EXPERIMENT_ERROR', `Litmus ${experiment} ended in error: ${result.errorOutput?.errorCode ?? ''} ${result.errorOutput?.reason ?? ''}`.trim());
        }
      })();
      finished.then(() => created(run), () => created(run));

      return {
        finished,
        // Once: the lifecycle calls it on halt and again in teardown; both get the same teardown,
        // and any caller's signal ends its waits.
        stop: (callerSignal?: AbortSignal) => {
          if (callerSignal) {
            if (callerSignal.aborted) cancel.abort(callerSignal.reason);
            else callerSignal.addEventListener('abort', () => cancel.abort(callerSignal.reason), { once: true });
          }
          stopping ??= (async () => {
            halted = true;
            halt.abort();
            const { signal } = cancel;
            try {
              // A ChaosEngine being created right now is torn down as soon as it exists.
              const current = await Promise.race([creation, whenAborted(signal).then(() => run)]);
              if (!current && signal.aborted && !creationSettled) {
                // Aborted while the create call was in flight: its name is not known yet.
                leftovers = [{
                  kind: 'ChaosEngine', apiVersion: LITMUS_API_VERSION, namespace: plan.namespace, name: `${context.runId}-${experiment}-*`,
                  reason: `it was being created when teardown was aborted (${String(signal.reason)}); it carries the label ${RUN_ID_LABEL}=${context.runId}`,
                  command: `kubectl delete chaosengines.litmuschaos.io -n ${plan.namespace} -l ${RUN_ID_LABEL}=${context.runId}`,
                }];
              }
              if (current) {
                leftovers = await current.teardown({
                  ...(options.force === undefined ? {} : { force: options.force }),
                  ...(options.teardownTimeoutMs === undefined ? {} : { timeoutMs: options.teardownTimeoutMs }),
                  signal,
                  keepResult: false,
                });
              }
            } finally {
              watchStop.abort();
              await Promise.race([finished.catch(() => {}), whenAborted(signal)]);
            }
          })();
          return stopping;
        },
        leftovers: () => leftovers,
        details: () => ({ snapshot: run?.snapshot(), events: run ? [...run.events] : [] }),
        reportDetails: () => ({ litmus: litmusReport(experiment, env, run?.snapshot(), run?.events ?? []) }),
      };
    },
  });
}
