/**
 * `kubechaos/vitest`: a `test` whose context carries a chaos client scoped to the test, and the
 * report matchers installed on vitest's `expect`.
 *
 * @example
 * ```ts
 * import { expect, test } from 'kubechaos/vitest';
 * test('web survives pod kills', async ({ chaos }) => {
 *   const report = await chaos.podKill({ namespace: 'shop', selector: { app: 'web' } }).withSafety(0.9).during(body);
 *   expect(report).toHaveStayedAbove(0.9);
 * });
 * ```
 *
 * @module
 */
import { expect, test as base, type TestAPI } from 'vitest';
import type { Chaos } from '../chaos.ts';
import type { Report } from '../data/report.ts';
import { createChaosSession, type ChaosSession, type ChaosSessionOptions } from '../report/session.ts';
import { toSvgTimeline } from '../report/svg-timeline.ts';
import { chaosMatchers, type ChaosMatchers } from './matchers.ts';

export { chaosMatchers, type ChaosMatchers } from './matchers.ts';
export { expect };

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends ChaosMatchers<R> {}
  interface TaskMeta {
    /** Reports of the runs a test started through the `chaos` fixture. */
    kubechaos?: { readonly reports: readonly Report[] };
  }
}

expect.extend(chaosMatchers);

/**
 * The fixtures `kubechaos/vitest` adds to the test context.
 *
 * @example
 * ```ts
 * test('x', async ({ chaos, chaosReports }) => { await chaos.podKill(t).during(body); chaosReports().length; });
 * ```
 */
export interface ChaosFixtures {
  /**
   * A chaos client for this test. When the test ends, fails or times out, every run it
   * started is stopped and torn down before the next test starts.
   */
  chaos: Chaos;
  /** Reports of this test's finished runs so far. */
  chaosReports: () => Report[];
}

/**
 * A vitest `test` with the {@link ChaosFixtures}. `options` are those of `createChaos` (a
 * function is called once per test). Each report is attached to the test as an annotation
 * (summary plus the SVG health timeline) while the test runs, and all of them as
 * `task.meta.kubechaos` (which the `kubechaos/vitest/reporter` ChaosReporter writes out as JSON, JUnit and HTML).
 *
 * @example
 * ```ts
 * import { chaosTest } from 'kubechaos/vitest';
 * const test = chaosTest(() => ({ kubeConfig: myKubeConfig(), namespace: 'shop' }));
 * ```
 */
export function chaosTest(options: ChaosSessionOptions | (() => ChaosSessionOptions) = {}): TestAPI<ChaosFixtures> {
  const sessions = new WeakMap<Chaos, ChaosSession>();
  return base.extend<ChaosFixtures>({
    chaos: async ({ task, signal, annotate }, use) => {
      const resolved = typeof options === 'function' ? options() : options;
      const userSignal = resolved.signal;
      const session = createChaosSession({ ...resolved, signal: userSignal ? AbortSignal.any([userSignal, signal]) : signal });
      sessions.set(session.chaos, session);
      const annotations: Promise<unknown>[] = [];
      const unsubscribe = session.onReport((report) => {
        if (task.result?.state !== 'run') return; // the test is over: the report still goes to meta
        annotations.push(
          annotate(summary(report), 'kubechaos', { contentType: 'image/svg+xml', body: toSvgTimeline(report), bodyEncoding: 'utf-8' }).catch(() => {}),
        );
      });
      try {
        await use(session.chaos);
      } finally {
        try {
          await session.close(`the test "${task.name}" ended`);
        } finally {
          unsubscribe();
          await Promise.all(annotations);
          task.meta.kubechaos = { reports: session.reports() };
        }
      }
    },
    chaosReports: async ({ chaos }, use) => {
      await use(() => sessions.get(chaos)?.reports() ?? []);
    },
  }) as unknown as TestAPI<ChaosFixtures>;
}

/**
 * The default {@link chaosTest}: `createChaos()` defaults (KUBECONFIG, Lease registry).
 *
 * @example
 * ```ts
 * import { test } from 'kubechaos/vitest';
 * test('dry run', async ({ chaos }) => { await chaos.podKill(target).dryRun().during(() => {}); });
 * ```
 */
export const test: TestAPI<ChaosFixtures> = chaosTest();

/** Same as {@link test}. @example `it('survives', async ({ chaos }) => {})` */
export const it: TestAPI<ChaosFixtures> = test;

function summary(report: Report): string {
  const min = report.minHealth === null ? 'n/a' : report.minHealth.toFixed(3);
  return `kubechaos ${report.id}: ${report.outcome}, ${report.kills.length} pod(s) killed, min health ${min}${report.abortReason ? ` (${report.abortReason})` : ''}`;
}
