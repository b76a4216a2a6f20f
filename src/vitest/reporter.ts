/**
 * `kubechaos/vitest/reporter`: a vitest reporter that writes the reports of every test's chaos
 * runs (from the `kubechaos/vitest` fixture) as one JSON file, one JUnit file and one HTML page.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { ChaosReporter } from 'kubechaos/vitest/reporter';
 * export default defineConfig({ test: { reporters: ['default', new ChaosReporter({ outputDir: 'chaos-report' })] } });
 * ```
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';
import type { Report } from '../data/report.ts';
import type { NamedReport } from '../report/entry.ts';
import { toHtml } from '../report/html.ts';
import { toJson } from '../report/json.ts';
import { toJUnit } from '../report/junit.ts';

/**
 * Options of {@link ChaosReporter}.
 *
 * @example
 * ```ts
 * new ChaosReporter({ outputDir: 'reports/chaos', title: 'Nightly chaos' });
 * ```
 */
export interface ChaosReporterOptions {
  /** Directory of `kubechaos.json`, `kubechaos-junit.xml` and `kubechaos.html`. @default 'kubechaos-report' */
  readonly outputDir?: string;
  /** Title of the HTML page and name of the JUnit suite. @default 'kubechaos' */
  readonly title?: string;
}

/**
 * Collects `task.meta.kubechaos` from every finished test and, at the end of the run, writes
 * the suite's reports (named `<test full name> [<run id>]`). Writes nothing when no test ran
 * an experiment.
 *
 * @example
 * ```ts
 * export default defineConfig({ test: { reporters: ['default', new ChaosReporter()] } });
 * ```
 */
export class ChaosReporter implements Reporter {
  readonly #options: ChaosReporterOptions;
  readonly #runs: NamedReport[] = [];
  /** Paths written by the last run (empty when nothing was written). */
  written: string[] = [];

  constructor(options: ChaosReporterOptions = {}) {
    this.#options = options;
  }

  onTestCaseResult(testCase: TestCase): void {
    const reports = (testCase.meta() as { kubechaos?: { reports?: readonly Report[] } }).kubechaos?.reports ?? [];
    for (const report of reports) this.#runs.push({ name: `${testCase.fullName} [${report.id}]`, report });
  }

  onTestRunEnd(): void {
    this.written = [];
    if (this.#runs.length === 0) return;
    const dir = resolve(this.#options.outputDir ?? 'kubechaos-report');
    const title = this.#options.title ?? 'kubechaos';
    mkdirSync(dir, { recursive: true });
    const files: Array<[string, string]> = [
      ['kubechaos.json', toJson(this.#runs)],
      ['kubechaos-junit.xml', toJUnit(this.#runs, { suiteName: title })],
      ['kubechaos.html', toHtml(this.#runs, { title })],
    ];
    for (const [name, content] of files) {
      writeFileSync(join(dir, name), content);
      this.written.push(join(dir, name));
    }
    this.#runs.length = 0;
  }
}
