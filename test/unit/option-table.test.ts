// The option table drives the builder, the experiment-file schema and the `run` flags: every row
// must reach each of them, and the defaults it states are the builder's.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { parseExperimentFile } from '../../src/cli/experiment-file.ts';
import { OPTION_TABLE } from '../../src/experiment/option-table.ts';
import { DEFAULT_OPTIONS, mergeOptions } from '../../src/experiment/options.ts';
import { probes } from '../../src/safety/probes/index.ts';

/** A good value of each option, as `with()` takes it and as a file writes it. */
const GOOD: Readonly<Record<string, { readonly sdk: unknown; readonly yaml?: string }>> = {
  count: { sdk: 2, yaml: '2' },
  percent: { sdk: 50, yaml: '50' },
  every: { sdk: '5s', yaml: '5s' },
  for: { sdk: '1m', yaml: '1m' },
  gracePeriod: { sdk: 5, yaml: '5' },
  minAvailable: { sdk: 0, yaml: '0' },
  dryRun: { sdk: true, yaml: 'true' },
  safety: { sdk: { threshold: 0.9, grace: '1s', breakerThreshold: 2 }, yaml: '{ threshold: 0.9, grace: 1s, breakerThreshold: 2 }' },
  probes: { sdk: [probes.custom(() => 1)], yaml: '[{ http: { url: "http://web.shop/health" } }]' },
  expectRecovery: { sdk: { within: '30s', threshold: 0.8 }, yaml: '{ within: 30s, threshold: 0.8 }' },
  onAbort: { sdk: 'report' },
  engine: { sdk: 'litmus', yaml: 'litmus' },
  steadyState: { sdk: 0.9, yaml: '0.9' },
  teardownTimeout: { sdk: '45s', yaml: '45s' },
  name: { sdk: 'web-loses-a-pod', yaml: 'web-loses-a-pod' },
};

describe('the option table', () => {
  it('has a sample for every row (add one here with a new option)', () => {
    expect(Object.keys(GOOD).sort()).toEqual(OPTION_TABLE.map((row) => row.key).sort());
  });

  it.each(OPTION_TABLE.filter((row) => row.inWith !== false).map((row) => [row.key]))('with({ %s }) takes a good value and changes the options', (key) => {
    expect(mergeOptions(DEFAULT_OPTIONS, { [key]: GOOD[key]!.sdk })).not.toEqual(DEFAULT_OPTIONS);
  });

  it.each(OPTION_TABLE.filter((row) => row.inFile !== false).map((row) => [row.key, row.inFile ?? 'spec']))('an experiment file takes %s under %s', (key, where) => {
    const field = `${key}: ${GOOD[key]!.yaml}`;
    const text = `apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\n${where === 'metadata' ? `metadata:\n  ${field}\n` : ''}spec:\n  target: { selector: app=web }\n${where === 'spec' ? `  ${field}\n` : ''}`;
    expect(() => parseExperimentFile(text, 'exp.yaml')).not.toThrow();
  });

  it('every flag of the table is a flag of `kubechaos run`', async () => {
    let help = '';
    const io = { stdout: { write: (s: string) => (help += s) }, stderr: { write: () => true }, readFile: async () => '' };
    await main(['run', '--help'], io as never);
    const missing = OPTION_TABLE.flatMap((row) => (row.flag ? [row.flag.name] : [])).filter((flag) => !help.includes(`${flag} `) && !help.includes(`${flag}\n`));
    expect(missing).toEqual([]);
  });
});
