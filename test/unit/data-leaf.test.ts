// src/data is the leaf every layer may import: plain data only, so it must import nothing
// outside itself (an import from it would bring a layer back in, and with it a cycle).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/data');

describe('src/data', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports only its siblings, and only types', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const imports = [...text.matchAll(/^\s*(import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)].map((m) => ({ statement: m[0].trim(), from: m[2] as string }));
    for (const { statement, from } of imports) {
      expect(from, statement).toMatch(/^\.\/[a-z-]+\.ts$/);
      expect(statement, 'plain data has no values to import').toMatch(/^(import|export) type\b/);
    }
  });
});
