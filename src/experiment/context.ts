import type { ClusterPort } from '../cluster/port.ts';
import type { Engine } from '../engines/engine.ts';
import type { Engines } from '../engines/select.ts';
import type { RunEvent } from '../audit/run-event.ts';
import type { Logger } from '../logger.ts';
import type { Breaker } from '../safety/breaker/breaker.ts';
import type { Registry } from '../data/registry.ts';
import type { NormalizedOptions } from './options.ts';

/** What every experiment of one client shares. Built by `createChaos`. */
export interface ClientContext {
  readonly cluster: ClusterPort;
  readonly logger: Logger;
  readonly namespace: string | undefined;
  readonly protectedNamespaces: readonly string[];
  readonly allowedNamespaces: readonly string[] | undefined;
  readonly random: () => number;
  /** The per-target breaker (in the cluster through the registry, else in this client). */
  readonly breaker: Breaker;
  readonly registry: Registry;
  readonly engine: Engine;
  /** Engines by name, for `.engine(name)` and `chaos.litmus()`. */
  readonly engines: Engines;
  readonly signal: AbortSignal | undefined;
  readonly handleSignals: boolean;
  readonly sampleTimeoutMs: number;
  /** Options every experiment of this client starts from (the client's `teardownTimeout`). */
  readonly defaults: NormalizedOptions;
  /** Hands a run event to every observer of the client (never throws). */
  readonly emit: (event: RunEvent) => void;
}
