import { describe, expect, it } from 'vitest';
import { runDetails, runsTable } from '../../../src/cli/report-view.ts';
import { run } from '../server/fake-control.ts';

describe('list and status show run names', () => {
  it('without names: NAME is the id, no ID column', () => {
    expect(runsTable([{ ...run('kc-1', 'shop'), kills: 2 }], false)).toMatch(/^NAME\s+FAULT\s+STATE\s+OUTCOME\s+KILLS\s+AGE\s+OWNER\nkc-1\s+pod-kill\s+running\s+-\s+2\s+/);
  });

  it('with a name: NAME is the name and the ID column gives the id', () => {
    const table = runsTable([{ ...run('kc-1', 'shop'), name: 'nightly' }, run('kc-2', 'shop')], false);
    expect(table).toMatch(/^NAME\s+ID\s+FAULT/);
    expect(table).toMatch(/\nnightly\s+kc-1\s+pod-kill/);
    expect(table).toMatch(/\nkc-2\s+kc-2\s+pod-kill/);
    expect(runDetails({ ...run('kc-1', 'shop'), name: 'nightly' })).toMatch(/^Name:\s+nightly\nID:\s+kc-1\n/);
  });
});

describe('a scale run as the CLI shows it', () => {
  it('status names the workload and the replicas, not rounds', () => {
    const details = runDetails({ ...run('kc-1', 'shop'), fault: 'scale', spec: { kind: 'scale', selector: 'app=web', workload: { kind: 'Deployment', name: 'web' }, from: 3, to: 1, durationMs: 30_000 } });
    expect(details).toMatch(/Scale:\s+Deployment\/web 3 -> 1\n/);
    expect(details).not.toMatch(/Per round|Every/);
  });
});

describe('an isolate run as the CLI shows it', () => {
  it('status names the direction and the NetworkPolicy, not rounds', () => {
    const details = runDetails({ ...run('kc-1', 'shop'), fault: 'isolate', spec: { kind: 'isolate', selector: 'app=web', direction: 'ingress', policy: 'kubechaos-isolate-0a1b2c3d', durationMs: 30_000 } });
    expect(details).toMatch(/Isolate:\s+ingress, NetworkPolicy kubechaos-isolate-0a1b2c3d\n/);
    expect(details).not.toMatch(/Per round|Every/);
  });
});
