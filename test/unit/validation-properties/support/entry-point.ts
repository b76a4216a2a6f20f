// What every validation property needs: an entry point as data (generators of good and bad
// input, a way to apply an input as a user would), and SDK clients whose ports count every call.
// Shared by the property tests and by bench/support/bad-inputs.ts.
import type fc from 'fast-check';
import { createChaos, type Chaos, type ChaosOptions } from '../../../../src/chaos.ts';
import { noopRegistry, type Registry } from '../../../../src/experiment/lifecycle/register.ts';
import { countCalls, FakeCluster } from '../../support/fake-cluster.ts';
import { FakeLitmus } from '../../support/fake-litmus.ts';

/** What an entry point answered to one input, and how many requests reached the cluster meanwhile. */
export interface Attempt {
  /** SDK entry points: what was thrown, if anything. */
  readonly error?: unknown;
  /** CLI entry points: the exit code and what went to stderr. */
  readonly exitCode?: number;
  readonly stderr?: string;
  /** Calls that reached a cluster port (SDK) or requests that reached the API server (CLI). */
  readonly requests: number;
}

/** A bad input and what its refusal must name: the option (`every`), the flag (`--for`) or the field (`spec.every`). */
export interface BadCase<I> {
  readonly input: I;
  readonly names: string;
}

/** One entry point of the product, as the properties see it. */
export interface EntryPoint<I> {
  readonly name: string;
  readonly good: fc.Arbitrary<I>;
  readonly bad: fc.Arbitrary<BadCase<I>>;
  /** Applies `input` as a user would; if it is accepted, goes on until the cluster is used. */
  attempt(input: I): Promise<Attempt>;
  /** The refusal a bad input must get (a TypeError, or the usage exit code), naming `names`. */
  refused(attempt: Attempt, names: string): boolean;
  /** A good input got past validation (whatever the fake cluster then answered). */
  accepted(attempt: Attempt): boolean;
  /** Releases what the entry point holds (a loopback server). */
  close?(): Promise<void>;
}

/** SDK refusal: a TypeError whose message names the option in backticks (`` `every` ``, `` `exclude.names[0]` ``). */
export function isTypeErrorNaming(error: unknown, option: string): boolean {
  return error instanceof TypeError && error.message.includes(`\`${option}`);
}

/**
 * A client whose every port counts its calls: the FakeCluster, the registry and the Litmus client.
 * `options` are passed over the counting ones (a bad `cluster` replaces the fake, on purpose); an
 * object `litmus` keeps the counting Litmus client.
 */
export function countingChaos(options: Record<string, unknown> = {}): { chaos: () => Chaos; requests: () => number } {
  const cluster = countCalls(new FakeCluster(), ['defaultNamespace']);
  // A fresh object: a Proxy of the frozen noopRegistry could not return wrapped methods.
  const registry = countCalls<Registry>({ register: noopRegistry.register });
  const litmus = countCalls(new FakeLitmus());
  const base: ChaosOptions = { cluster: cluster.port, registry: registry.port, handleSignals: false, preflightTimeout: '1s', litmus: { client: litmus.port } };
  // Generated Litmus options keep the counting Litmus client under them.
  const given = options.litmus;
  const litmusOptions = given !== null && typeof given === 'object' && !Array.isArray(given) ? { litmus: { ...given, client: litmus.port } } : {};
  return {
    chaos: () => createChaos({ ...base, ...options, ...litmusOptions } as ChaosOptions),
    requests: () => cluster.calls.length + registry.calls.length + litmus.calls.length,
  };
}

/** Something with `during`: a pod-kill or Litmus experiment. */
interface Runnable {
  dryRun(enabled?: boolean): { during(body: () => unknown, options?: { signal?: AbortSignal }): Promise<unknown> };
}

/**
 * Builds with `build` and, when that is accepted, runs the result as a dry run until it gives up
 * (2 s at most): an input that validation let through then shows up as requests.
 */
export async function buildThenRun(requests: () => number, build: () => Runnable): Promise<Attempt> {
  let error: unknown;
  try {
    await build().dryRun().during(() => {}, { signal: AbortSignal.timeout(2000) });
  } catch (e) {
    error = e;
  }
  return { error, requests: requests() };
}

/** Picks one of several arbitraries of bad cases (fc.oneof, typed for BadCase). */
export type BadCases<I> = ReadonlyArray<fc.Arbitrary<BadCase<I>>>;
