import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import the package by name, as users do; in this repo that is the source.
  resolve: {
    alias: [
      { find: /^kubechaos\/cluster$/, replacement: fileURLToPath(new URL('./src/entries/cluster.ts', import.meta.url)) },
      { find: /^kubechaos\/registry$/, replacement: fileURLToPath(new URL('./src/entries/registry.ts', import.meta.url)) },
      { find: /^kubechaos\/engine$/, replacement: fileURLToPath(new URL('./src/entries/engine.ts', import.meta.url)) },
      { find: /^kubechaos\/vitest\/reporter$/, replacement: fileURLToPath(new URL('./src/vitest/reporter.ts', import.meta.url)) },
      { find: /^kubechaos\/vitest$/, replacement: fileURLToPath(new URL('./src/vitest/index.ts', import.meta.url)) },
      { find: /^kubechaos$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'examples/**/*.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One control plane is shared; files run one after another so that
          // timing-sensitive chaos assertions are not starved on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
