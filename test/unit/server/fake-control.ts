// An in-memory stand-in for the registry functions the control API calls: runs by namespace,
// every call recorded (with its options, signal included), stops confirmed unless told otherwise.
import type { ControlPort } from '../../../src/server/port.ts';
import type { ReapOptions, RunInfo, ScopeOptions, StopOptions } from '../../../src/index.ts';
import type { ForgetOptions } from '../../../src/registry/forget.ts';

export function run(id: string, namespace: string, state: RunInfo['state'] = 'running'): RunInfo {
  return {
    id, namespace, fault: 'pod-kill', engine: 'native', state, owner: { host: 'h', pid: 1 }, startedAt: '2025-01-01T00:00:00.000Z',
    deadline: null, renewedAt: null, expiresAt: null, ttlSeconds: 15, spec: {}, restore: [], stopRequest: null, endedAt: null, outcome: null, reason: null, kills: null, name: null, health: null, minHealth: null,
  };
}

export type Call =
  | { fn: 'listRuns'; options: ScopeOptions }
  | { fn: 'getRun'; id: string; options: ScopeOptions }
  | { fn: 'stopRuns'; options: StopOptions }
  | { fn: 'reap'; options: ReapOptions }
  | { fn: 'forgetRun'; id: string; options: ForgetOptions };

export function fakeControl(runs: RunInfo[], behaviour: { unconfirmed?: string[]; block?: Promise<void> } = {}) {
  const calls: Call[] = [];
  const inScope = (ns: string | undefined) => runs.filter((r) => ns === undefined || r.namespace === ns);
  const control: ControlPort = {
    listRuns: async (options) => {
      calls.push({ fn: 'listRuns', options });
      await behaviour.block;
      return inScope(options.namespace);
    },
    getRun: async (id, options) => {
      calls.push({ fn: 'getRun', id, options });
      return inScope(options.namespace).find((r) => r.id === id);
    },
    stopRuns: async (options) => {
      calls.push({ fn: 'stopRuns', options });
      const live = inScope(options.namespace).filter((r) => r.state !== 'ended' && (options.all || options.ids?.includes(r.id)));
      const bad = (r: RunInfo) => behaviour.unconfirmed?.includes(r.id) === true;
      return {
        confirmed: live.filter((r) => !bad(r)).map((r) => ({ run: r, ms: 5 })),
        unconfirmed: live.filter(bad).map((r) => ({ run: r, why: 'too slow' })),
        notFound: (options.ids ?? []).filter((id) => !live.some((r) => r.id === id)),
      };
    },
    reap: async (options) => {
      calls.push({ fn: 'reap', options });
      return { reaped: [], live: runs.filter((r) => !options.namespaces || options.namespaces.includes(r.namespace)).length, expiredStopOrders: 0 };
    },
    listBreakers: async () => [],
    forgetRun: async (id, options) => {
      calls.push({ fn: 'forgetRun', id, options });
      const i = runs.findIndex((r) => r.id === id && r.namespace === options.namespace);
      if (i === -1) return 0;
      runs.splice(i, 1);
      return 1;
    },
  };
  return { control, calls };
}
