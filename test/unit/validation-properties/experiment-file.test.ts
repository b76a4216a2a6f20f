// Experiment files are refused field by field, with the usage exit code and "Nothing was
// created.", before any request reaches the API server (issue 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingApiServer, runCli, type CountingApiServer } from './support/counting-apiserver.ts';
import { experimentFileEntryPoint } from './support/experiment-file.ts';
import { validationProperties } from './support/properties.ts';

describe('experiment file validation properties', () => {
  validationProperties(experimentFileEntryPoint(), { bad: 200, good: 25, timeout: 120_000 });
});

describe('experiment file validation, the cases the issue names', () => {
  let server: CountingApiServer;
  beforeAll(async () => {
    server = await countingApiServer();
  });
  afterAll(async () => server.close());

  const file = (spec: string) => ({ 'exp.yaml': `apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: app=web }\n${spec}` });
  const create = (spec: string) => runCli(server, ['create', '-f', 'exp.yaml'], file(spec));

  it('every: 30 is refused: a unit is required, and the message says what to write', async () => {
    const result = await create('  every: 30\n');
    expect(result).toMatchObject({ exitCode: 2, requests: 0 });
    expect(result.stderr).toBe('error: exp.yaml:5:10: spec.every: expected a duration with a unit, got 30: write 30s for 30 seconds (or 30ms); units are ms, s, m, h\nNothing was created.\n');
  });

  it("durations past Node's timer limit, and finer than a millisecond, are refused", async () => {
    expect((await create('  for: 600h\n')).stderr).toMatch(/spec.for: expected a duration .* over 2147483647ms/);
    expect((await create('  every: 0.5ms\n')).stderr).toMatch(/spec.every: .*millisecond resolution/);
    expect((await create('  safety: { threshold: 0.5, grace: 0s }\n')).exitCode).not.toBe(2); // zero grace is allowed
  });

  it('names, namespaces, selectors and probe URLs are checked where they are written', async () => {
    expect((await runCli(server, ['create', '-f', 'exp.yaml'], { 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nmetadata: { namespace: Shop }\nspec:\n  target: { selector: app=web }\n' })).stderr).toMatch(
      /exp.yaml:3:24: metadata.namespace: expected a namespace name/,
    );
    expect((await create('  probes:\n    - http: { url: web.shop/health }\n')).stderr).toMatch(/spec.probes\[0\].http.url: expected an absolute http:\/\/ or https:\/\/ URL, got "web.shop\/health": add the scheme: "http:\/\/web.shop\/health"/);
    expect((await create('  probes:\n    - readiness: { kind: Deployment, name: Web_1 }\n')).stderr).toMatch(/spec.probes\[0\].readiness.name: expected an object name/);
    const selector = await runCli(server, ['create', '-f', 'exp.yaml'], { 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: "app in (web" }\n' });
    expect(selector).toMatchObject({ exitCode: 2, requests: 0 });
    expect(selector.stderr).toMatch(/spec.target.selector: expected a valid label selector/);
  });

  it('a good file reaches the API server (the counter counts)', async () => {
    const result = await create('  every: 1m30s\n  for: 2m\n');
    expect(result.exitCode).not.toBe(2);
    expect(result.requests).toBeGreaterThan(0);
  });
});
