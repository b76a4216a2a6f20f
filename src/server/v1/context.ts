import type { IncomingMessage } from 'node:http';
import type { ApiAccess } from '../../cluster/api-access.ts';
import type { StoreOptions } from '../../registry/context.ts';
import type { Duration } from '../../util/duration.ts';
import type { ApiAuditEntry } from '../api-audit.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { ExperimentOwner } from '../experiment-owner.ts';
import type { ControlPort } from '../port.ts';
import type { Reply } from '../reply.ts';
import type { Route, RouteMatch } from '../router.ts';
import type { ServerMetrics } from '../server-metrics.ts';

/** What the `/api/v1` handlers need. */
export interface ApiContext {
  readonly control: ControlPort;
  /** Passed to every registry call (the kubeconfig). */
  readonly store: StoreOptions;
  readonly access: ApiAccess;
  readonly auth: Authenticator;
  readonly owner: ExperimentOwner;
  /** Default namespace of routes about one run, and scope of lists; undefined: every namespace. */
  readonly namespace: string | undefined;
  /** Default of `timeout` in stop bodies. */
  readonly stopTimeout: Duration;
  readonly metrics: ServerMetrics | undefined;
  readonly audit: (entry: ApiAuditEntry) => void;
  /** Names this server in stop requests made for callers: `<user> via kubechaos serve <host>/<pid>`. */
  readonly via: string;
}

/** A route handler. `signal` aborts when the client disconnects or the server closes. */
export type Handler = (req: IncomingMessage, match: RouteMatch, signal: AbortSignal) => Promise<Reply>;

/** A route of the API; `summary` is what the OpenAPI document says of it. */
export type ApiRoute = Route<Handler>;
