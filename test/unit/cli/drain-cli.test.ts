// Issue 11, part 2: the drain fault in the CLI: `kind: Drain` files, `run --type drain` flags,
// and how a drain run is shown (no cluster here; test/integration/drain.test.ts runs one).
import { describe, expect, it } from 'vitest';
import { parseExperimentFile } from '../../../src/cli/experiment-file.ts';
import { fileError } from './support/file-error.ts';
import { main } from '../../../src/cli/program.ts';
import { reportTable, runDetails } from '../../../src/cli/report-view.ts';
import type { Report } from '../../../src/index.ts';
import { run } from '../server/fake-control.ts';

const head = `apiVersion: kubechaos.dev/v1alpha1\nkind: Drain\nmetadata:\n  namespace: shop\n`;

async function cli(args: string[]) {
  let stderr = '';
  const code = await main([...args, '--kubeconfig', '/nonexistent/kubeconfig'], {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async () => '',
  });
  return { code, stderr };
}

describe('parseExperimentFile, kind: Drain', () => {
  it('reads the nodes, the watched pods, cordonOnly and the common options', () => {
    const { spec } = parseExperimentFile(`${head}spec:\n  target: { nodes: { pool: a }, selector: app=web }\n  cordonOnly: true\n  for: 30s\n`, 'exp.yaml');
    expect(spec.drain).toEqual({ nodes: { pool: 'a' }, cordonOnly: true });
    expect(spec.target).toEqual({ selector: 'app=web', namespace: 'shop' });
    expect(spec.options).toEqual({ for: 30_000 });
  });

  it('names the field and its line when wrong', () => {
    expect(fileError(`${head}spec:\n  target: { selector: app=web }\n`).message).toMatch(/nodes/);
    const every = fileError(`${head}spec:\n  target: { nodes: pool=a }\n  every: 5s\n`);
    expect(every.field).toBe('spec.every');
    expect(every.line).toBe(7);
    expect(fileError(`${head}spec:\n  target: { nodes: pool=a }\n  cordonOnly: yes please\n`).field).toBe('spec.cordonOnly');
  });
});

describe('kubechaos run --type drain (usage errors, before any cluster call)', () => {
  it('needs --nodes, and refuses the flags of other faults', async () => {
    expect(await cli(['run', '--type', 'drain'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--nodes SELECTOR') });
    expect(await cli(['run', '--type', 'drain', '--nodes', 'pool=a', '--to', '1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--to is an option of --type scale') });
    expect(await cli(['run', '--target', 'app=web', '--cordon-only'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--cordon-only is an option of --type drain') });
    expect(await cli(['run', '--type', 'drain', '--nodes', 'a b'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--nodes') });
  });
});

describe('a drain run as the CLI shows it', () => {
  it('the report table says what was drained and whether the nodes were uncordoned; status names the nodes', () => {
    const drain = { nodeSelector: 'pool=a', nodes: ['n1'], cordoned: ['n1'], evict: true, cordonedAt: 't', evicted: [{ namespace: 'shop', name: 'web-1', node: 'n1', at: 't' }], refused: [{ namespace: 'shop', name: 'web-2', node: 'n1', attempts: 3, message: 'budget', evicted: false }], skipped: 0, uncordonedAt: 't' };
    const report = { id: 'kc-1', target: { namespace: 'shop', selector: '', exclude: { names: [], selector: null } }, fault: 'drain', engine: 'native', outcome: 'passed', dryRun: false, kills: [], wouldKill: [], leftovers: [], minHealth: null, timeToRecover: null, drain } as unknown as Report;
    const table = reportTable(report);
    expect(table).toMatch(/drained:\s+n1: 1 evicted, 1 refused by a PDB, uncordoned/);
    expect(table).not.toMatch(/\nkills/);
    const details = runDetails({ ...run('kc-1', 'shop'), fault: 'drain', spec: { kind: 'drain', selector: '', nodeSelector: 'pool=a', nodes: ['n1'], evict: false, durationMs: 30_000 } });
    expect(details).toMatch(/Drain:\s+pool=a \(n1\), cordon only\n/);
    expect(details).not.toMatch(/Per round|Every/);
  });
});
