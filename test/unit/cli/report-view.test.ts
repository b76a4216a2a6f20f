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
