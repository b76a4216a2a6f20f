// CLI invocations that must be refused and change nothing in the namespace.
import type { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { cli } from '../registry-support.ts';
import { snapshot } from './snapshot.ts';

/** Runs each `argv`, expects its exit `code` and `text` on stderr, and the namespace unchanged after them all. */
export async function expectCliRefusals(kc: KubeConfig, namespace: string, cases: ReadonlyArray<readonly [argv: readonly string[], code: number, text: string]>): Promise<void> {
  const before = await snapshot(kc, namespace);
  for (const [argv, code, text] of cases) {
    const res = await cli(argv);
    expect(res.code, `${argv.join(' ')}: ${res.stderr}`).toBe(code);
    expect(res.stderr).toContain(text);
  }
  expect(await snapshot(kc, namespace)).toEqual(before);
}
