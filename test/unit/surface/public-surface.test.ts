// Issue 11, "a smaller public index": `kubechaos` exports what users use; adapter internals live
// behind subpath entries. This fails when an export is added to (or dropped from) src/index.ts
// without the allow-list saying so, and when the subpath entries drift apart in the five places
// that must agree (package.json `exports`, tsup's entries, typedoc's entryPoints, tsconfig's
// paths, vitest's aliases): a subpath missing from one of them builds, types or documents fine
// here and breaks for a user.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import tsupConfig from '../../../tsup.config.ts';
import vitestConfig from '../../../vitest.config.ts';
import { exportNames } from './export-names.ts';

const root = resolve(import.meta.dirname, '../../..');
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

/** The subpath entries: the package subpath, and the source file it is built from. */
const SUBPATHS = {
  'kubechaos/cluster': 'src/entries/cluster.ts',
  'kubechaos/registry': 'src/entries/registry.ts',
  'kubechaos/engine': 'src/entries/engine.ts',
} as const;

function allowList(): string[] {
  return readFileSync(join(import.meta.dirname, 'index-exports.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

describe('the main index', () => {
  it('exports exactly the allow-listed names (test/unit/surface/index-exports.txt)', () => {
    const exported = exportNames(join(root, 'src/index.ts'));
    const allowed = allowList();
    const unlisted = exported.filter((n) => !allowed.includes(n));
    const gone = allowed.filter((n) => !exported.includes(n));
    expect(
      unlisted,
      'exported by src/index.ts but not allow-listed: add it to index-exports.txt if users use it, else export it from a subpath entry (src/entries/)',
    ).toEqual([]);
    expect(gone, 'allow-listed but no longer exported by src/index.ts: take it off index-exports.txt').toEqual([]);
    expect(new Set(allowed).size, 'a name listed twice').toBe(allowed.length);
  });

  it('shares no name with a subpath entry: an internal is in one place', () => {
    const main = new Set(exportNames(join(root, 'src/index.ts')));
    for (const [subpath, file] of Object.entries(SUBPATHS)) {
      expect(exportNames(join(root, file)).filter((n) => main.has(n)), `${subpath} and kubechaos both export`).toEqual([]);
    }
  });

  it('keeps the adapter internals out (a guard on the allow-list itself)', () => {
    const allowed = allowList();
    for (const internal of ['createKubeLeaseStore', 'LeaseStore', 'LeaseRecord', 'RestoreStep', 'STOP_ANNOTATION', 'FaultPlan', 'PodKillPlan', 'ScalePlan', 'Engine', 'Injection', 'nativeEngine', 'ClusterPort', 'createKubeCluster', 'Registration', 'BreakerRecords']) {
      expect(allowed, internal).not.toContain(internal);
    }
  });
});

describe('the subpath entries', () => {
  const pkg = json('package.json') as { exports: Record<string, unknown> };
  const tsup = (Array.isArray(tsupConfig) ? tsupConfig : [tsupConfig]) as Array<{ entry?: Record<string, string> }>;
  const tsupEntries = Object.assign({}, ...tsup.map((c) => c.entry ?? {})) as Record<string, string>;
  const typedoc = json('typedoc.json') as { entryPoints: string[] };
  const tsconfig = json('tsconfig.json') as { compilerOptions: { paths: Record<string, string[]> } };
  const aliases = (vitestConfig as { resolve: { alias: Array<{ find: RegExp; replacement: string }> } }).resolve.alias;

  it.each(Object.entries(SUBPATHS))('%s is exported, built (ESM, CJS, types), documented and resolvable in the repo', (subpath, file) => {
    const name = subpath.slice('kubechaos/'.length);
    expect(pkg.exports[`./${name}`]).toEqual({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    });
    expect(tsupEntries[name], `tsup.config.ts builds dist/${name}.* from ${file}`).toBe(file);
    expect(typedoc.entryPoints).toContain(file);
    expect(tsconfig.compilerOptions.paths[subpath]).toEqual([`./${file}`]);
    const alias = aliases.find((a) => a.find.test(subpath));
    expect(alias?.replacement, `vitest.config.ts aliases ${subpath}`).toBe(join(root, file));
    expect(exportNames(join(root, file)).length).toBeGreaterThan(0);
  });

  it('are all of the package.json subpaths that are not the main index or vitest', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => !['.', './package.json'].includes(k) && !k.startsWith('./vitest'));
    expect(subpaths.sort()).toEqual(Object.keys(SUBPATHS).map((s) => s.replace('kubechaos/', './')).sort());
  });
});
