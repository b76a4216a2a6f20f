// --probe-prometheus / --prometheus-url and `probes: - prometheus:` in experiment files.
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/io.ts';
import { prometheusConditionFlag } from '../../../src/cli/flag-values.ts';
import { ExperimentFileError, parseExperimentFile } from '../../../src/cli/experiment-file.ts';

const ratio = 'sum(rate(http_requests_total{code=~"5.."}[30s])) / sum(rate(http_requests_total[30s]))';
const parse = (value: string) => prometheusConditionFlag('--probe-prometheus')(value, []);

describe('--probe-prometheus QUERY<N | QUERY>N', () => {
  it('splits at the last comparison followed by a number', () => {
    expect(parse(`${ratio}<0.01`)).toEqual([{ query: ratio, below: 0.01 }]);
    expect(parse(`${ratio} < 1e-2 `)).toEqual([{ query: ratio, below: 0.01 }]);
    expect(parse('sum(up{job="web"}) > 2')).toEqual([{ query: 'sum(up{job="web"})', above: 2 }]);
    expect(parse('count(up > 0) < 5')).toEqual([{ query: 'count(up > 0)', below: 5 }]);
  });

  it.each(['up', 'up <= 1', 'up < ', '< 0.01', 'up < one'])('refuses %j, saying the form', (value) => {
    expect(() => parse(value)).toThrow(/--probe-prometheus expects QUERY<NUMBER or QUERY>NUMBER/);
  });

  it('needs --prometheus-url, which goes with it only (usage errors, exit 2)', async () => {
    const run = async (...extra: string[]) => {
      let stderr = '';
      const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, readFile: async () => '' };
      const code = await main(['run', '--target', 'app=web', '-n', 'shop', '--kubeconfig', '/nonexistent/kubeconfig', ...extra], io);
      return { code, stderr };
    };
    expect(await run('--probe-prometheus', 'up<1')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--probe-prometheus needs --prometheus-url/) });
    expect(await run('--prometheus-url', 'http://127.0.0.1:9090')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--prometheus-url is only used by --probe-prometheus/) });
    expect(await run('--probe-prometheus', 'up')).toMatchObject({ code: 2, stderr: expect.stringMatching(/expects QUERY<NUMBER/) });
  });
});

describe('experiment files: probes: - prometheus:', () => {
  const file = (probe: string) => `apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: app=web }\n  probes:\n    - prometheus: ${probe}\n`;

  it('reads url, query, below|above|ratio and the auth options', () => {
    const { spec } = parseExperimentFile(file(`{ url: "http://prom:9090", query: 'up', below: 0.01, timeout: 2s, basicAuth: { username: u, password: p } }`), 'exp.yaml');
    expect(spec.probes).toEqual([{ prometheus: { url: 'http://prom:9090', query: 'up', below: 0.01, timeout: 2000, basicAuth: { username: 'u', password: 'p' } } }]);
  });

  it.each([
    ['{ query: up, below: 1 }', /missing required field "url"/],
    ['{ url: "prom:9090", query: up, below: 1 }', /spec.probes\[0\].prometheus.url/],
    ['{ url: "http://prom:9090", query: up, below: one }', /spec.probes\[0\].prometheus.below: expected a number/],
    ['{ url: "http://prom:9090", query: up, under: 1 }', /unknown field "under"/],
  ])('refuses %s, naming the field', (probe, message) => {
    expect(() => parseExperimentFile(file(probe), 'exp.yaml')).toThrow(ExperimentFileError);
    expect(() => parseExperimentFile(file(probe), 'exp.yaml')).toThrow(message);
  });
});
