// docs/chaos-engine-files.md: the two files shown side by side are valid and describe the same
// run, and the refusal shown is the one kubechaos prints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExperimentFile } from '../../../src/cli/experiment-file.ts';
import { parseChaosEngine } from '../../../src/experiment/litmus-file/parse-chaos-engine.ts';

const doc = readFileSync(new URL('../../../docs/chaos-engine-files.md', import.meta.url), 'utf8');
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/chaos-engine-files.md', () => {
  it('the kubechaos file and the ChaosEngine side by side are the same pod-delete run', () => {
    const [kubechaos, litmus] = yamlBlocks;
    const file = parseExperimentFile(kubechaos!, 'experiment.yaml').spec;
    const engine = parseChaosEngine(litmus!, 'chaos-engine.yaml');
    expect(file.engine).toBe('litmus');
    expect(engine.experiment).toBe('pod-delete');
    expect(engine.target).toEqual({ namespace: 'shop', selector: 'app=web' });
    expect(file.target).toMatchObject({ namespace: 'shop', selector: 'app=web' });
    expect(engine.options).toEqual({ name: file.name, for: file.options.for, every: file.options.every, percent: file.options.percent });
    // gracePeriod 5 in the kubechaos file is FORCE=false, as the ChaosEngine says.
    expect(file.options.gracePeriod).toBeGreaterThan(0);
    expect(engine.env).toEqual({ FORCE: 'false' });
  });

  it('the refusal shown is the one printed', () => {
    const litmus = yamlBlocks[1]!;
    const shown = /error: (chaos-engine\.yaml:\d+:\d+: spec\.enginState: .*)\n/.exec(doc)?.[1];
    expect(shown).toBeDefined();
    expect(() => parseChaosEngine(litmus.replace('  engineState: active\n', '  engineState: active\n  enginState: active\n'), 'chaos-engine.yaml')).toThrow(shown);
  });
});
