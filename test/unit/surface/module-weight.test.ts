import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What loading kubechaos costs a test worker (issue 14: 20 runs in one process under 150 MB). A
// fresh Node process imports the index and records every module it resolves: `yaml` (~13 MiB of
// RSS) and client-node (~61 MiB) load only when something needs them.
function imports(script: string): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), 'kubechaos-weight-')), 'imports');
  writeFileSync(log, '');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', './test/unit/cli/support/record-imports.mjs', '--input-type=module', '-e', script], {
      env: { ...process.env, KUBECHAOS_IMPORT_LOG: log },
    }, (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(readFileSync(log, 'utf8').split('\n'))));
  });
}
const index = JSON.stringify(new URL('../../../src/index.ts', import.meta.url).href);
const loads = (urls: string[], pkg: string) => urls.some((u) => u.includes(`/node_modules/${pkg}/`));

describe('module weight', () => {
  it('importing kubechaos loads neither yaml nor client-node', async () => {
    const urls = await imports(`await import(${index});`);
    expect(urls.some((u) => u.includes('/src/chaos.ts'))).toBe(true);
    expect(loads(urls, 'yaml')).toBe(false);
    expect(loads(urls, '@kubernetes/client-node')).toBe(false);
  });

  it('a ChaosEngine in YAML loads yaml when it is read', async () => {
    const parse = JSON.stringify(new URL('../../../src/experiment/litmus-file/parse-chaos-engine.ts', import.meta.url).href);
    const urls = await imports(`
      const { parseChaosEngine } = await import(${parse});
      const spec = parseChaosEngine('apiVersion: litmuschaos.io/v1alpha1\\nkind: ChaosEngine\\nmetadata: { name: e, namespace: shop }\\nspec:\\n  appinfo: { appns: shop, applabel: app=web, appkind: deployment }\\n  experiments: [{ name: pod-delete }]\\n');
      if (!spec) throw new Error('no spec');`);
    expect(loads(urls, 'yaml')).toBe(true);
  });
});
