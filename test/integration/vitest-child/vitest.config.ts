// Config of the child vitest runs started by test/integration/vitest-fixture.test.ts: the
// cluster is already up (KUBECONFIG is inherited), reports go to KUBECHAOS_REPORT_DIR.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { ChaosReporter } from '../../../src/vitest/reporter.ts';

export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/integration/vitest-child/*.child.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', new ChaosReporter({ outputDir: process.env.KUBECHAOS_REPORT_DIR ?? 'kubechaos-report', title: 'child suite' })],
  },
});
