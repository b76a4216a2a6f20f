// The README's first example must be the code that examples/readme.test.ts runs against the
// real control plane, character for character.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

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
