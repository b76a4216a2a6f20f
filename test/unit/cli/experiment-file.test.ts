import { describe, expect, it } from 'vitest';
import { ExperimentFileError, parseExperimentFile } from '../../../src/cli/experiment-file.ts';
import { fileError } from './support/file-error.ts';

const head = `apiVersion: kubechaos.dev/v1alpha1
kind: PodKill
`;

const error = fileError;

describe('parseExperimentFile', () => {
  it('reads every documented field into the SDK shape (durations in ms)', () => {
    const { spec, namespace } = parseExperimentFile(
      `${head}metadata:
  name: web-loses-a-pod
  namespace: shop
spec:
  target:
    selector: { app: web }
    exclude: { names: [web-canary], selector: tier=db }
  percent: 50
  every: 5s
  for: 1m
  gracePeriod: 2
  minAvailable: 2
  dryRun: true
  safety: { threshold: 0.9, grace: 500ms, breakerThreshold: 2 }
  probes:
    - http: { url: "http://web.shop/health", expect: [200, 204], timeout: 1s, interval: 100ms, window: 3s, method: GET, name: h, warmup: 3 }
    - readiness: { kind: Deployment, name: web, namespace: shop }
  expectRecovery: { within: 60s, threshold: 0.8 }
  teardownTimeout: 45s
`,
      'exp.yaml',
    );
    expect(namespace).toBe('shop');
    expect(spec).toEqual({
      name: 'web-loses-a-pod',
      target: { selector: { app: 'web' }, exclude: { names: ['web-canary'], selector: 'tier=db' }, namespace: 'shop' },
      options: {
        percent: 50,
        every: 5000,
        for: 60_000,
        gracePeriod: 2,
        minAvailable: 2,
        dryRun: true,
        safety: { threshold: 0.9, grace: 500, breakerThreshold: 2 },
        expectRecovery: { within: 60_000, threshold: 0.8 },
        teardownTimeout: 45_000,
      },
      probes: [
        { http: { url: 'http://web.shop/health', expect: [200, 204], timeout: 1000, interval: 100, window: 3000, method: 'GET', name: 'h', warmup: 3 } },
        { readiness: { kind: 'Deployment', name: 'web', namespace: 'shop' } },
      ],
    });
  });

  it('reads the engine, and refuses an unknown one naming the field', () => {
    const { spec } = parseExperimentFile(`${head}spec:\n  target: { selector: app=web }\n  engine: litmus\n`, 'exp.yaml');
    expect(spec.engine).toBe('litmus');
    expect(parseExperimentFile(`${head}spec:\n  target: { selector: app=web }\n`, 'exp.yaml').spec.engine).toBeUndefined();
    const e = error(`${head}spec:\n  target: { selector: app=web }\n  engine: chaos-mesh\n`);
    expect({ line: e.line, field: e.field }).toEqual({ line: 5, field: 'spec.engine' });
  });

  it.each([
    ['an unknown top-level field', `${head}spec:\n  target: { selector: app=web }\nstatus: {}\n`, 5, 1, 'status', /unknown field "status" \(known fields: apiVersion, kind, metadata, spec\)/],
    ['an unknown nested field', `${head}spec:\n  target:\n    selector: app=web\n    namespace: shop\n`, 6, 5, 'spec.target.namespace', /unknown field "namespace" in spec.target/],
    ['a wrong kind', `apiVersion: kubechaos.dev/v1alpha1\nkind: NetworkDelay\nspec: {}\n`, 2, 7, 'kind', /expected "PodKill" or "Scale" or "Drain" or "Isolate", got "NetworkDelay"/],
    ['a missing spec', head, 1, 1, 'spec', /missing required field "spec"/],
    ['a bad duration', `${head}spec:\n  target: { selector: app=web }\n  for: 30 seconds\n`, 5, 8, 'spec.for', /expected a duration/],
    ['a string count', `${head}spec:\n  target: { selector: app=web }\n  count: "2"\n`, 5, 10, 'spec.count', /expected an integer >= 1, got "2"/],
    ['a probe of an unknown kind', `${head}spec:\n  target: { selector: app=web }\n  probes:\n    - tcp: { port: 80 }\n`, 6, 7, 'spec.probes[0].tcp', /unknown probe kind/],
    ['an empty value', `${head}spec:\n  target: { selector: app=web }\n  every:\n`, 5, 3, 'spec.every', /has no value/],
    ['a duplicate key', `${head}spec:\n  target: { selector: app=web }\n  count: 1\n  count: 2\n`, 6, 3, 'spec.count', /Map keys must be unique/],
    ['an unclosed flow sequence', `${head}spec:\n  target:\n    selector: [app=web\n  every: 1s\n`, 6, 3, 'spec.target.selector[0]', /Flow sequence/],
  ])('refuses %s, naming line, column and field', (_what, text, line, column, field, message) => {
    const e = error(text);
    expect({ line: e.line, column: e.column, field: e.field }).toEqual({ line, column, field });
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`exp.yaml:${line}:${column}: ${field}: `)).toBe(true);
  });

  it('places the SDK\'s own option errors on the field', () => {
    const file = parseExperimentFile(`${head}spec:\n  target: { selector: app=web }\n  count: 1\n  percent: 50\n`, 'exp.yaml');
    const located = file.locate(new TypeError('`count` and `percent` are exclusive: set one of them.'));
    expect(located.message).toBe('exp.yaml:5:10: spec.count: `count` and `percent` are exclusive: set one of them.');
    expect(file.locate(new TypeError('Expected `selector` to be ...')).field).toBe('spec.target.selector');
  });
});

// Issue 11, part 2: `kind: Scale` files.
const scaleHead = `apiVersion: kubechaos.dev/v1alpha1\nkind: Scale\nmetadata:\n  namespace: shop\n`;

describe('parseExperimentFile, kind: Scale', () => {
  it('read the workload, the change and the common options', () => {
    const { spec } = parseExperimentFile(`${scaleHead}spec:\n  target: { kind: Deployment, name: web }\n  by: -50\n  allowAutoscaler: true\n  for: 30s\n  safety: { threshold: 0.9 }\n`, 'exp.yaml');
    expect(spec.scale).toEqual({ workload: { kind: 'Deployment', name: 'web' }, by: -50, allowAutoscaler: true });
    expect(spec.target).toEqual({ selector: '', namespace: 'shop' });
    expect(spec.options).toEqual({ for: 30_000, safety: { threshold: 0.9 } });
  });

  it('name the field and its line when wrong', () => {
    const both = error(`${scaleHead}spec:\n  target: { kind: Deployment, name: web }\n  to: 1\n  by: 10\n`);
    expect(both.field).toBe('spec.to');
    expect(both.message).toContain('exactly one of `to` (replicas) or `by` (percent)');
    const count = error(`${scaleHead}spec:\n  target: { kind: Deployment, name: web }\n  to: 1\n  count: 2\n`);
    expect(count.field).toBe('spec.count');
    expect(count.line).toBe(8);
    expect(error(`${scaleHead}spec:\n  target: { kind: ReplicaSet, name: web }\n  to: 1\n`).message).toContain('expected "Deployment" or "StatefulSet"');
    expect(error(`${scaleHead}spec:\n  target: { kind: Deployment, name: web }\n  to: -1\n`).field).toBe('spec.to');
    expect(error(`${scaleHead}spec:\n  target: { selector: app=web }\n  to: 1\n`).message).toContain('unknown field "selector"');
  });
});

// Issue 11, part 2: `kind: Isolate` files.
const isolateHead = `apiVersion: kubechaos.dev/v1alpha1\nkind: Isolate\nmetadata:\n  name: web-cut\n  namespace: shop\n`;

describe('parseExperimentFile, kind: Isolate', () => {
  it('reads the pods, the direction and the common options', () => {
    const { spec } = parseExperimentFile(`${isolateHead}spec:\n  target: { selector: app=web }\n  direction: egress\n  for: 30s\n  minAvailable: 0\n`, 'exp.yaml');
    expect(spec.isolate).toEqual({ direction: 'egress' });
    expect(spec.target).toEqual({ selector: 'app=web', namespace: 'shop' });
    expect(spec.options).toEqual({ for: 30_000, minAvailable: 0 });
    expect(spec.name).toBe('web-cut');
    expect(parseExperimentFile(`${isolateHead}spec:\n  target: { selector: app=web }\n`, 'exp.yaml').spec.isolate).toEqual({});
  });

  it('names the field and its line when wrong', () => {
    const direction = error(`${isolateHead}spec:\n  target: { selector: app=web }\n  direction: sideways\n`);
    expect(direction).toMatchObject({ field: 'spec.direction', line: 8 });
    expect(direction.message).toContain('expected "ingress" or "egress" or "both", got "sideways"');
    expect(error(`${isolateHead}spec:\n  target: { selector: app=web }\n  every: 5s\n`).message).toContain('unknown field "every"');
    expect(error(`${isolateHead}spec:\n  target: { selector: app=web, exclude: { names: [web-0] } }\n`).message).toContain('unknown field "exclude"');
    // `direction` belongs to an Isolate only.
    expect(error(`apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: app=web }\n  direction: egress\n`).message).toContain('unknown field "direction"');
  });
});
