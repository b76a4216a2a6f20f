// The README's first example must be the code that examples/readme.test.ts runs against the
// real control plane, character for character; its options tables must list every option.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createChaos } from '../../src/chaos.ts';
import { ownOptions, SHARED_ROWS, optionsMarkdown, shownDefault } from '../../src/experiment/option-table.ts';
import { FakeCluster } from './support/fake-cluster.ts';

it('README shows exactly the example that runs in CI', () => {
  const root = new URL('../../', import.meta.url);
  const example = readFileSync(new URL('examples/readme.test.ts', root), 'utf8');
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const code = example.split('// readme:start\n')[1]?.split('// readme:end')[0];
  expect(code, 'examples/readme.test.ts lost its readme markers').toBeTruthy();
  const firstBlock = /```ts\n(?:\/\/ .*\n)?([\s\S]*?)```/.exec(readme)?.[1];
  expect(firstBlock).toBe(code);
  // "first screen": the example starts within the first 15 lines.
  expect(readme.split('\n').findIndex((l) => l.startsWith('```ts'))).toBeLessThan(15);
});

/** The option names a TypeError lists when it refuses an unknown key. */
function knownOptions(refuse: () => unknown): string[] {
  try {
    refuse();
  } catch (error) {
    const list = /Known options: (.*)\.$/.exec((error as Error).message)?.[1];
    if (list) return [...list.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  }
  throw new Error('expected a TypeError listing the known options');
}

it('the README options tables list every option of createChaos, podKill, withSafety and expectRecovery', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const tables = readme.slice(readme.indexOf('| option (key) |'), readme.indexOf('Unknown keys and bad values are'));
  const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
  const target = { namespace: 'shop', selector: { app: 'web' } };
  const options = [
    ...knownOptions(() => createChaos({ nope: 1 } as never)),
    ...knownOptions(() => chaos.podKill(target, { nope: 1 } as never)),
    ...knownOptions(() => chaos.podKill(target).withSafety(0.5, { nope: 1 } as never)),
    ...knownOptions(() => chaos.podKill(target).expectRecovery({ within: '1s', nope: 1 } as never)),
  ];
  expect(options).toContain('teardownTimeout');
  const missing = options.filter((name) => !new RegExp(`\`(\\.)?${name}[\`(:]|[{,] ${name}[ ,}]`).test(tables));
  expect(missing, 'options missing from the README tables').toEqual([]);
});

it("the README's options table is the option table, rendered (node scripts/readme-options.ts)", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const table = /<!-- options-table:start[^\n]*-->\n([\s\S]*?)\n<!-- options-table:end -->/.exec(readme)?.[1];
  expect(table, 'README.md lost its options-table markers').toBeTruthy();
  expect(table).toBe(optionsMarkdown());
});

it.each([
  ['PodKillOptions', 'options.ts', 'export interface PodKillOptions', '\n}\n', SHARED_ROWS],
  ['ScaleOptions', 'scale-experiment.ts', 'export type ScaleOptions', '\n};\n', ownOptions('scale')],
])("the TSDoc of %s states each default of the option table (typedoc shows it)", (_name, file, start, end, rows) => {
  const source = readFileSync(new URL(`../../src/experiment/${file}`, import.meta.url), 'utf8');
  const body = source.slice(source.indexOf(start), source.indexOf(end, source.indexOf(start)));
  expect(body).not.toBe('');
  const wrong = rows.filter((row) => row.default !== undefined).filter((row) => {
    const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${row.key}\\?:`).exec(body)?.[1] ?? '';
    return !new RegExp(`@default[^\\n]*${shownDefault(row.default).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(doc);
  });
  expect(wrong.map((row) => row.key), 'options whose TSDoc @default differs from the table').toEqual([]);
});

it('with() takes exactly the keys of the option table', () => {
  const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
  expect(knownOptions(() => chaos.podKill({ selector: 'app=web' }, { nope: 1 } as never))).toEqual(SHARED_ROWS.filter((r) => r.inWith !== false).map((r) => r.key));
});
