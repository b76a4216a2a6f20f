// The option table drives the builder, the experiment-file schema and the `run` flags: every row
// must reach each of them, and the defaults it states are the builder's.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.ts';
import { parseExperimentFile } from '../../src/cli/experiment-file.ts';
import { createChaos } from '../../src/chaos.ts';
import { faultGroup } from '../../src/cli/option-flags.ts';
import { FAULTS, OPTION_TABLE, optionRow, ownOptions, type FaultKind } from '../../src/experiment/option-table.ts';
import { checkOption } from '../../src/experiment/option-types.ts';
import { DEFAULT_OPTIONS, mergeOptions } from '../../src/experiment/options.ts';
import { probes } from '../../src/safety/probes/index.ts';
import { FakeCluster } from './support/fake-cluster.ts';

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
  to: { sdk: 1, yaml: '1' },
  by: { sdk: -50, yaml: '-50' },
  allowAutoscaler: { sdk: true, yaml: 'true' },
  cordonOnly: { sdk: true, yaml: 'true' },
  direction: { sdk: 'ingress', yaml: 'ingress' },
};

/** A minimal experiment file of each fault, `field` set under `spec` or `metadata`. */
function file(fault: FaultKind, key: string, where: string): string {
  const field = `${key}: ${GOOD[key]!.yaml}`;
  const head = { 'pod-kill': 'kind: PodKill', scale: 'kind: Scale', drain: 'kind: Drain', isolate: 'kind: Isolate' }[fault];
  const target = { 'pod-kill': '  target: { selector: app=web }\n', scale: `  target: { kind: Deployment, name: web }\n${key === 'to' || key === 'by' ? '' : '  to: 1\n'}`, drain: '  target: { nodes: pool=a }\n', isolate: '  target: { selector: app=web }\n' }[fault];
  return `apiVersion: kubechaos.dev/v1alpha1\n${head}\n${where === 'metadata' ? `metadata:\n  ${field}\n` : ''}spec:\n${target}${where === 'spec' ? `  ${field}\n` : ''}`;
}

const chaos = createChaos({ cluster: new FakeCluster(), handleSignals: false });
const web = { namespace: 'shop', kind: 'Deployment', name: 'web' } as const;

describe('the option table', () => {
  it('has a sample for every row (add one here with a new option)', () => {
    expect(Object.keys(GOOD).sort()).toEqual(OPTION_TABLE.map((row) => row.key).sort());
  });

  it.each(OPTION_TABLE.filter((row) => row.inWith !== false && row.own !== true).map((row) => [row.key]))('with({ %s }) takes a good value and changes the options', (key) => {
    expect(mergeOptions(DEFAULT_OPTIONS, { [key]: GOOD[key]!.sdk })).not.toEqual(DEFAULT_OPTIONS);
  });

  it.each(ownOptions('scale').map((row) => [row.key]))("a scale's with({ %s }) sets its own spec, through the method of that name", (key) => {
    const base = key === 'to' ? chaos.scale(web).by(10) : chaos.scale(web);
    expect(base.with({ [key]: GOOD[key]!.sdk }).scale).not.toEqual(base.scale);
  });

  it.each(ownOptions('scale').map((row) => [row.key]))("a scale's own %s is checked with the table's type: bad values give the table's TypeError", (key) => {
    const bad = 'not-a-value';
    const expected = (() => {
      try {
        checkOption(optionRow(key).type, bad, key);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`the table takes ${bad} for ${key}`);
    })();
    expect(() => (chaos.scale(web) as unknown as Record<string, (v: unknown) => unknown>)[key]!(bad)).toThrow(expected);
    expect(() => chaos.scale(web).with({ [key]: bad })).toThrow(expected);
  });

  it.each(ownOptions('drain').map((row) => [row.key]))("a drain's own %s is set by .with() and checked with the table's type", (key) => {
    const base = chaos.drain({ nodes: 'pool=a' });
    expect(base.with({ [key]: GOOD[key]!.sdk }).drain).not.toEqual(base.drain);
    expect(() => base.with({ [key]: 'not-a-value' })).toThrow(TypeError);
  });

  it.each(OPTION_TABLE.filter((row) => row.own !== true && row.faults !== undefined && !row.faults.includes('scale')).map((row) => [row.key]))("a scale refuses pod kill's %s", (key) => {
    expect(() => chaos.scale(web).with({ [key]: GOOD[key]!.sdk } as never)).toThrow(TypeError);
  });

  it.each(OPTION_TABLE.filter((row) => row.own === true).map((row) => [row.key]))('a pod kill refuses the scale\'s %s', (key) => {
    expect(() => chaos.podKill({ namespace: 'shop', selector: 'app=web' }).with({ [key]: GOOD[key]!.sdk } as never)).toThrow(TypeError);
  });

  it.each(OPTION_TABLE.filter((row) => row.inFile !== false).flatMap((row) => FAULTS.filter((f) => row.faults === undefined || row.faults.includes(f)).map((f) => [row.key, row.inFile ?? 'spec', f])))(
    'an experiment file takes %s under %s (%s)',
    (key, where, fault) => {
      expect(() => parseExperimentFile(file(fault as FaultKind, key as string, where as string), 'exp.yaml')).not.toThrow();
    },
  );

  it.each(OPTION_TABLE.filter((row) => row.faults !== undefined && row.inFile !== false).flatMap((row) => FAULTS.filter((f) => !row.faults!.includes(f)).map((f) => [row.key, f])))(
    'an experiment file refuses %s in a %s',
    (key, fault) => {
      expect(() => parseExperimentFile(file(fault as FaultKind, key, 'spec'), 'exp.yaml')).toThrow(/unknown field/);
    },
  );

  it('every flag of the table is a flag of `kubechaos run`', async () => {
    let help = '';
    const io = { stdout: { write: (s: string) => (help += s) }, stderr: { write: () => true }, readFile: async () => '' };
    await main(['run', '--help'], io as never);
    const missing = OPTION_TABLE.flatMap((row) => (row.flag ? [row.flag.name] : [])).filter((flag) => !help.includes(`${flag} `) && !help.includes(`${flag}\n`));
    expect(missing).toEqual([]);
    // A fault's flags are listed under its heading, before the next heading.
    for (const row of OPTION_TABLE.filter((r) => r.flag && r.faults)) {
      const section = help.split(`\n${faultGroup(row.faults![0]!)}\n`)[1]?.split('\n\n')[0] ?? '';
      expect(section, `${row.flag!.name} under ${faultGroup(row.faults![0]!)}`).toContain(`${row.flag!.name}`);
    }
  });

  it.each([
    [['--type', 'scale', '--workload', 'Deployment/web', '--to', '1', '--count', '2'], '--count is an option of --type pod-kill'],
    [['--target', 'app=web', '--to', '1'], '--to is an option of --type scale'],
    [['--target', 'app=web', '--allow-autoscaler'], '--allow-autoscaler is an option of --type scale'],
  ])('`kubechaos run %j` is refused (exit 2) naming the fault that takes the flag', async (args, message) => {
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, readFile: async () => '' };
    const code = await main(['run', '-n', 'shop', ...args], io as never);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});
