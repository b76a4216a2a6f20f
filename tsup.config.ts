import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      // Subpath entries (package.json `exports`): what running experiments does not need.
      cluster: 'src/entries/cluster.ts',
      registry: 'src/entries/registry.ts',
      engine: 'src/entries/engine.ts',
      vitest: 'src/vitest/index.ts',
      'vitest-reporter': 'src/vitest/reporter.ts',
    },
    // Optional at run time: loaded only by `kubechaos/vitest` and `createMetrics()`.
    external: ['vitest', 'vitest/node', 'prom-client'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // dist/cli is the other build's (they run at the same time).
    clean: ['!cli/**'],
    target: 'node22',
    platform: 'node',
  },
  {
    // The `kubechaos` bin: ESM only, split per command (each loads its code with a dynamic import),
    // with its dependencies bundled in. Loading @kubernetes/client-node from node_modules reads
    // ~1000 files (~0.6 s); bundled, it is one chunk that Node's compile cache loads in ~0.1 s.
    entry: { kubechaos: 'src/cli/main.ts' },
    noExternal: [/.*/],
    external: ['vitest', 'vitest/node', 'prom-client'],
    format: ['esm'],
    splitting: true,
    // Smaller files read and compile faster (the bundled client is ~8 MB unminified).
    minify: true,
    outDir: 'dist/cli',
    clean: true,
    // Bundled CommonJS dependencies call `require` for Node's built-ins.
    banner: { js: "import { createRequire as __kubechaosRequire } from 'node:module'; const require = __kubechaosRequire(import.meta.url);" },
    // No source maps: they would be 6 MB of the package for the bundled dependencies.
    sourcemap: false,
    target: 'node22',
    platform: 'node',
  },
]);
