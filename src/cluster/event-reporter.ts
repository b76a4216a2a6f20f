import { hostname } from 'node:os';

/**
 * Who writes kubechaos's Events: one `reportingController` for every Event the SDK writes (a
 * kill, a run's end or reap, a breaker change), and one `reportingInstance` per process, in the
 * `<host>/<pid>` form the registry records as a run's owner. The API caps both at 128 characters.
 *
 * @example
 * ```ts
 * kubectl get events.events.k8s.io --field-selector reportingController=kubechaos.dev/kubechaos
 * ```
 */
export const EVENT_REPORTER: Readonly<{ controller: string; instance: string }> = Object.freeze({
  controller: 'kubechaos.dev/kubechaos',
  instance: `${hostname()}/${process.pid}`.slice(0, 128),
});
