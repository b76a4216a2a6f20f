// Reading a real ChaosEngine: what kubechaos runs of it, and where it says no (file:line:column).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ChaosEngineFileError } from '../../../src/errors/chaos-engine-file-error.ts';
import { parseChaosEngine } from '../../../src/experiment/litmus-file/parse-chaos-engine.ts';
import { ENGINE_2X, ENGINE_3X, edit, lineOf } from './fixtures.ts';

function refusal(text: string | object): ChaosEngineFileError {
  try {
    parseChaosEngine(text, 'engine.yaml');
  } catch (error) {
    if (error instanceof ChaosEngineFileError) return error;
    throw error;
  }
  throw new Error('expected a ChaosEngineFileError');
}

describe('parseChaosEngine: what is kept', () => {
  it('a Litmus 3.x engine: experiment, target, env, probes, service account, images, placement, timeouts', () => {
    const spec = parseChaosEngine(ENGINE_3X, 'engine.yaml');
    const placement = {
      nodeSelector: { 'kubechaos.dev/node': 'process' },
      tolerations: [{ key: 'kubechaos.dev/process-node', operator: 'Exists', effect: 'NoSchedule' }],
    };
    expect(spec).toEqual({
      experiment: 'pod-delete',
      target: { namespace: 'shop', selector: 'app=web' },
      env: { FORCE: 'false' },
      options: { name: 'web-chaos', for: 20_000, every: 5_000, percent: 50 },
      overrides: {
        serviceAccount: 'pod-delete-sa',
        kind: 'deployment',
        statusCheckTimeouts: { delay: 1, timeout: 60 },
        placement,
        probes: [{
          name: 'web-up', type: 'httpProbe', mode: 'Continuous',
          'httpProbe/inputs': { url: 'http://web.shop:8080/health', method: { get: { criteria: '==', responseCode: '200' } } },
          runProperties: { probeTimeout: '2s', interval: '1s', attempt: 1 },
        }],
        runnerImage: 'litmuschaos/chaos-runner:3.9.0',
        experimentImage: 'litmuschaos/go-runner:3.9.0',
        terminationGracePeriodSeconds: 5,
        labels: { team: 'checkout' },
      },
    });
  });

  it('a Litmus 2.x engine: appinfo is the target; unset duration and interval take the experiment\'s defaults; an empty PODS_AFFECTED_PERC is one pod', () => {
    const spec = parseChaosEngine(ENGINE_2X, 'engine.yaml');
    expect(spec.target).toEqual({ namespace: 'default', selector: 'app=nginx' });
    expect(spec.options).toEqual({ name: 'nginx-chaos', for: 30_000, every: 10_000, count: 1 });
    expect(spec.env).toEqual({});
    expect(spec.overrides).toEqual({ serviceAccount: 'pod-delete-sa', kind: 'deployment' });
  });

  it('the parsed object reads the same as the text; no namespace anywhere leaves it to the client', () => {
    expect(parseChaosEngine(parse(ENGINE_3X) as object)).toEqual(parseChaosEngine(ENGINE_3X));
    const noNamespace = edit(edit(ENGINE_2X, "  namespace: default\n", ''), "    appns: 'default'\n", '');
    expect(parseChaosEngine(noNamespace).target).toEqual({ selector: 'app=nginx' });
  });

  it('a half-given statusCheckTimeouts takes Litmus\'s default for the other half', () => {
    const spec = parseChaosEngine(edit(ENGINE_3X, '            delay: 1\n', ''));
    expect(spec.overrides.statusCheckTimeouts).toEqual({ delay: 2, timeout: 60 });
  });
});

describe('parseChaosEngine: refusals name file:line:column and the field', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['an unknown field', edit(ENGINE_3X, '  engineState: active\n', '  engineState: active\n  enginState: active\n'), 'enginState', /spec\.enginState: unknown field "enginState" in spec \(known fields: .*engineState/],
    ['a promProbe comparator `type` (not in the 3.x CRD: it would be pruned)', edit(ENGINE_3X, `            type: httpProbe
            mode: Continuous
            httpProbe/inputs:
              url: http://web.shop:8080/health
              method:
                get:
                  criteria: ==
                  responseCode: '200'`, `            type: promProbe
            mode: Edge
            promProbe/inputs:
              endpoint: http://prometheus:9090
              query: up
              comparator:
                type: float
                criteria: '>='
                value: '1'`), 'type: float', /promProbe\/inputs\.comparator\.type: unknown field "type"/],
    ['two experiments', edit(ENGINE_2X, '            - name: PODS_AFFECTED_PERC\n              value: \'\'\n', "            - name: PODS_AFFECTED_PERC\n              value: ''\n    - name: container-kill\n"), 'name: container-kill', /spec\.experiments\[1\]: kubechaos runs one experiment per ChaosEngine.*split it into one ChaosEngine per experiment/],
    ['engineState stop', edit(ENGINE_3X, 'engineState: active', 'engineState: stop'), 'engineState: stop', /spec\.engineState: expected "active" .*kubechaos stop/],
    ['annotationCheck true', edit(ENGINE_2X, "annotationCheck: 'false'", "annotationCheck: 'true'"), 'annotationCheck', /spec\.annotationCheck: expected "false"/],
    ['jobCleanUpPolicy retain', edit(ENGINE_3X, 'jobCleanUpPolicy: delete', 'jobCleanUpPolicy: retain'), 'jobCleanUpPolicy', /spec\.jobCleanUpPolicy: expected "delete".*leaves nothing behind/],
    ['defaultHealthCheck true', edit(ENGINE_3X, '  engineState: active\n', '  engineState: active\n  defaultHealthCheck: true\n'), 'defaultHealthCheck', /spec\.defaultHealthCheck: expected false .*--safety-threshold/],
    ['pods by name', edit(ENGINE_3X, `    workloads:
      - kind: deployment
        namespace: shop
        labels: app=web`, `    pods:
      - namespace: shop
        names: web-1,web-2`), 'pods:', /spec\.selectors\.pods: kubechaos targets pods by label.*selectors\.workloads/],
    ['workloads by name', edit(ENGINE_3X, 'labels: app=web', 'names: web'), 'names: web', /spec\.selectors\.workloads\[0\]\.names: kubechaos selects pods by label/],
    ['an unknown env name', edit(ENGINE_3X, '- name: FORCE', '- name: FORCED'), 'name: FORCED', /env\[2\]\.name: Litmus experiment "pod-delete" does not read FORCED \(it reads: .*FORCE/],
    ['an unquoted number', edit(ENGINE_3X, "value: '20'", 'value: 20'), 'value: 20', /env\[0\]\.value: expected a string, got 20: quote it \("20"\)/],
    ['a bare-number probe duration (Litmus 2.x)', edit(ENGINE_3X, 'probeTimeout: 2s', 'probeTimeout: "2"'), 'probeTimeout', /runProperties\.probeTimeout: expected a duration with a unit such as "5s"/],
    ['valueFrom', edit(ENGINE_3X, "              value: 'false'", '              valueFrom: { secretKeyRef: { name: s, key: k } }'), 'valueFrom', /env\[2\]\.valueFrom: kubechaos passes env values as written/],
    ['runner placement unlike the experiment\'s', edit(ENGINE_3X, '        kubechaos.dev/node: process', '        kubechaos.dev/node: other'), '        components:', /spec\.experiments\[0\]\.spec\.components: kubechaos places the runner and the experiment pods alike/],
    ['metadata.namespace unlike the target\'s', edit(ENGINE_3X, '        namespace: shop', '        namespace: shop2'), 'namespace: shop2', /selectors\.workloads\[0\]\.namespace: kubechaos runs the ChaosEngine in its target's namespace/],
    ['a kubectl get -o yaml status', `${ENGINE_2X}status:\n  engineStatus: completed\n`, 'status:', /^engine\.yaml:\d+:1: status: this is the status of an existing ChaosEngine/],
    ['ChaosCenter annotations', edit(ENGINE_2X, '  namespace: default\n', '  namespace: default\n  annotations:\n    probeRef: \'[{"name":"p","mode":"SOT"}]\'\n'), 'annotations:', /metadata\.annotations: .*inline under experiments\[\]\.spec\.probe/],
    ['a runner command', edit(ENGINE_3X, '      image: litmuschaos/chaos-runner:3.9.0\n', '      image: litmuschaos/chaos-runner:3.9.0\n      command: [sh]\n'), 'command: [sh]', /components\.runner\.command: kubechaos does not set a command/],
    ['appinfo without appkind', edit(ENGINE_2X, "    appkind: 'deployment'\n", ''), 'appinfo:', /spec\.appinfo: missing required field "appkind"/],
    ['a bad label selector', edit(ENGINE_3X, 'labels: app=web', 'labels: "a b=c"'), 'labels: "a b=c"', /selectors\.workloads\[0\]\.labels: /],
    ['both selectors and appinfo', edit(ENGINE_3X, '  selectors:\n', "  appinfo: { appns: shop, applabel: app=web, appkind: deployment }\n  selectors:\n"), 'appinfo:', /spec\.appinfo: give one target/],
    ['a wrong apiVersion', edit(ENGINE_3X, 'litmuschaos.io/v1alpha1', 'litmuschaos.io/v1'), 'apiVersion', /apiVersion: expected "litmuschaos.io\/v1alpha1"/],
    ['a duplicate key', edit(ENGINE_3X, '  engineState: active\n', '  engineState: active\n  engineState: stop\n'), 'engineState: stop', /Map keys must be unique/],
  ];
  it.each(cases)('%s', (_what, text, needle, message) => {
    const error = refusal(text);
    expect(error.code).toBe('CHAOS_ENGINE_INVALID');
    expect(error.message).toMatch(message);
    const line = needle.includes('\n') ? lineOf(text, needle.split('\n')[1]!) : lineOf(text, needle);
    expect(error.line, error.message).toBe(line);
    expect(error.message.startsWith(`engine.yaml:${line}:`)).toBe(true);
  });

  it('an object has no lines: the error names the field', () => {
    const doc = parse(ENGINE_3X) as { spec: Record<string, unknown> };
    doc.spec.engineStat = 'active';
    const error = refusal(doc);
    expect(error.line).toBeUndefined();
    expect(error.message).toBe('engine.yaml: spec.engineStat: unknown field "engineStat" in spec (known fields: engineState, annotationCheck, defaultHealthCheck, jobCleanUpPolicy, chaosServiceAccount, terminationGracePeriodSeconds, appinfo, selectors, auxiliaryAppInfo, components, experiments)');
  });

  it('several documents in one file: one ChaosEngine per file', () => {
    const error = refusal(`${ENGINE_2X}---\napiVersion: v1\nkind: ServiceAccount\n`);
    expect(error.message).toMatch(/one ChaosEngine per file/);
    expect(error.line).toBe(lineOf(`${ENGINE_2X}---\n`, '---'));
  });

  it('an empty document and a missing target', () => {
    expect(refusal('').message).toMatch(/the document is empty/);
    const noTarget = edit(ENGINE_3X, `  selectors:
    workloads:
      - kind: deployment
        namespace: shop
        labels: app=web
`, '');
    expect(refusal(noTarget).message).toMatch(/^engine\.yaml:\d+:\d+: spec: missing the target: add spec\.selectors\.workloads/);
  });
});
