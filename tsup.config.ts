import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', vitest: 'src/vitest/index.ts', 'vitest-reporter': 'src/vitest/reporter.ts' },
  // Optional at run time: loaded only by `kubechaos/vitest` and `createMetrics()`.
  external: ['vitest', 'vitest/node', 'prom-client'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
});
