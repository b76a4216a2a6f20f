import type { EventsV1Event } from '@kubernetes/client-node';
import { MicroTime } from './micro-time.ts';

/** What an Event is about: enough of an object reference for `regarding` / `related`. */
export interface EventObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly uid?: string | undefined;
}

/** The parts of an events.k8s.io/v1 Event kubechaos writes (the cluster port and the registry). */
export interface EventBodyInput {
  readonly namespace: string;
  readonly generateName: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly action: string;
  readonly reason: string;
  readonly note: string;
  readonly type: 'Normal' | 'Warning';
  readonly regarding: EventObject;
  readonly related?: EventObject | undefined;
}

/** Builds the Event body; `note` is cut to the API's 1 kB limit. */
export function eventBody(e: EventBodyInput): EventsV1Event {
  const ref = (r: EventObject) => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: r.namespace, uid: r.uid });
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      generateName: e.generateName,
      namespace: e.namespace,
      labels: { ...e.labels },
      ...(e.annotations ? { annotations: { ...e.annotations } } : {}),
    },
    eventTime: new MicroTime(),
    reportingController: e.reportingController,
    reportingInstance: e.reportingInstance,
    action: e.action,
    reason: e.reason,
    note: e.note.slice(0, 1000),
    type: e.type,
    regarding: ref(e.regarding),
    ...(e.related ? { related: ref(e.related) } : {}),
  };
}
