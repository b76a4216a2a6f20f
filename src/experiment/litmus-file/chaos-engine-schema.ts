// The ChaosEngine fields (litmuschaos.io/v1alpha1, as the chaos-operator 3.x CRD declares them)
// that kubechaos runs, and the ones it refuses with what to do instead. Probes are checked
// against the CRD's own probe schema, so a typo is an error here and not a field the API server
// silently prunes.
import { refuse, str, type Schema } from './schema.ts';

// Go's time.ParseDuration, which litmus-go 3.x applies to every probe runProperties duration.
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const goDuration: Schema = { t: 'string', pattern: GO_DURATION, expected: 'a duration with a unit such as "5s" or "500ms" (Litmus 3.x parses it with Go\'s time.ParseDuration; a bare number was Litmus 2.x)' };
const obj = (fields: Record<string, Schema>, required: string[] = []): Schema => ({ t: 'object', fields, required });
const int0: Schema = { t: 'integer', min: 0 };
const bool: Schema = { t: 'boolean' };

const comparator = obj({ criteria: str, value: str }, ['criteria', 'value']);

/** `experiments[].spec.probe[]` inputs, by probe type. */
export const PROBE_INPUTS: Readonly<Record<string, Schema>> = {
  httpProbe: obj({
    url: str,
    insecureSkipVerify: bool,
    method: obj({
      get: obj({ criteria: str, responseCode: str }, ['criteria', 'responseCode']),
      post: obj({ contentType: str, body: str, bodyPath: str, criteria: str, responseCode: str }, ['criteria', 'responseCode']),
    }),
  }, ['url', 'method']),
  // No comparator `type` here: the 3.x CRD declares none for promProbe (the API server would prune it).
  promProbe: obj({ endpoint: str, query: str, queryPath: str, comparator }, ['endpoint', 'comparator']),
  k8sProbe: obj({
    group: { t: 'string', empty: true }, version: str, resource: str, namespace: str, resourceNames: str, fieldSelector: str, labelSelector: str,
    operation: { t: 'enum', values: ['present', 'absent', 'create', 'delete'] },
  }, ['version', 'resource', 'operation']),
  cmdProbe: obj({
    command: str,
    comparator: obj({ type: { t: 'enum', values: ['int', 'float', 'string'] }, criteria: str, value: str }, ['type', 'criteria', 'value']),
    source: { t: 'any' },
  }, ['command', 'comparator']),
  sloProbe: { t: 'any' },
};

/** One probe; its `<type>/inputs` is checked by the reader against {@link PROBE_INPUTS}. */
export const PROBE: Schema = obj({
  name: str,
  type: { t: 'enum', values: Object.keys(PROBE_INPUTS) },
  mode: { t: 'enum', values: ['SOT', 'EOT', 'Edge', 'Continuous', 'OnChaos'] },
  runProperties: obj({
    probeTimeout: goDuration, interval: goDuration, evaluationTimeout: goDuration, probePollingInterval: goDuration, initialDelay: goDuration,
    retry: int0, attempt: { t: 'integer', min: 1 }, initialDelaySeconds: int0, verbosity: str, stopOnFailure: bool,
  }, ['probeTimeout', 'interval']),
  ...Object.fromEntries(Object.keys(PROBE_INPUTS).map((type) => [`${type}/inputs`, { t: 'any' } as Schema])),
  data: str,
}, ['name', 'type', 'mode', 'runProperties']);

const toleration = obj({ key: str, operator: { t: 'enum', values: ['Exists', 'Equal'] }, value: { t: 'string', empty: true }, effect: { t: 'enum', values: ['NoSchedule', 'PreferNoSchedule', 'NoExecute', ''] }, tolerationSeconds: { t: 'integer', min: -1e18 } });
const placement = { nodeSelector: { t: 'labels' } as Schema, tolerations: { t: 'list', item: toleration } as Schema };

const envVar = obj({
  name: { t: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, expected: 'an environment variable name' },
  value: { t: 'string', empty: true },
  valueFrom: refuse('kubechaos passes env values as written: replace valueFrom with a value'),
}, ['name']);

const notCopied = (what: string) => refuse(`kubechaos does not set ${what} on the pods it has Litmus create; remove it`);

/** The whole document. */
export const CHAOS_ENGINE: Schema = obj({
  apiVersion: { t: 'enum', values: ['litmuschaos.io/v1alpha1'] },
  kind: { t: 'enum', values: ['ChaosEngine'] },
  metadata: obj({
    name: str,
    generateName: str, // kubechaos names the ChaosEngine it creates itself (<run id>-<experiment>-xxxxx)
    namespace: str,
    labels: { t: 'labels' },
    annotations: refuse('kubechaos does not copy annotations onto the ChaosEngine it creates (a ChaosCenter probeRef names probes kept in ChaosCenter: write them inline under experiments[].spec.probe); remove metadata.annotations'),
  }),
  spec: obj({
    engineState: { t: 'enum', values: ['active'], hint: 'expected "active" (or no engineState): kubechaos starts the run; stop it with `kubechaos stop` or exp.stop()' },
    annotationCheck: { t: 'enum', values: ['false', false], hint: 'expected "false" (or no annotationCheck): kubechaos does not require the target to carry the litmuschaos.io/chaos annotation (Litmus 3.x dropped the check)' },
    defaultHealthCheck: { t: 'enum', values: [false, 'false'], hint: 'expected false (or no defaultHealthCheck): kubechaos measures health itself (readiness of the target\'s workloads, or its probes) and stops the run on a drop; set the bound with --safety-threshold or .withSafety()' },
    jobCleanUpPolicy: { t: 'enum', values: ['delete'], hint: 'expected "delete" (or no jobCleanUpPolicy): kubechaos leaves nothing behind after a run; read the outcome from the report (report.litmus) instead of a retained Job' },
    chaosServiceAccount: { t: 'string', pattern: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, expected: 'a ServiceAccount name' },
    terminationGracePeriodSeconds: int0,
    appinfo: obj({
      appns: { t: 'string', empty: true },
      applabel: { t: 'string', empty: true },
      appkind: { t: 'string', empty: true },
    }),
    selectors: obj({
      workloads: { t: 'list', item: obj({ kind: str, namespace: str, labels: str, names: str }, ['kind']) },
      pods: { t: 'list', item: obj({ namespace: str, names: str }, ['names']) },
    }),
    auxiliaryAppInfo: refuse('kubechaos does not check auxiliary applications; remove auxiliaryAppInfo and add a probe (an httpProbe, or --probe-http) for what depends on them'),
    components: obj({
      runner: obj({
        image: str,
        ...placement,
        type: refuse('only the go runner exists in Litmus 3.x; remove components.runner.type'),
        runnerLabels: notCopied('extra labels'),
        runnerAnnotations: notCopied('annotations'),
        imagePullPolicy: notCopied('imagePullPolicy'),
        args: notCopied('args'),
        command: notCopied('a command'),
        resources: notCopied('resources'),
        configMaps: notCopied('configMaps'),
        secrets: notCopied('secrets'),
      }),
      sidecar: refuse('kubechaos does not run sidecars next to the experiment; remove components.sidecar'),
    }),
    experiments: { t: 'list', item: obj({
      name: { t: 'string', pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, expected: 'a Litmus experiment name such as "pod-delete" (a DNS label)' },
      spec: obj({
        components: obj({
          env: { t: 'list', item: envVar },
          experimentImage: str,
          statusCheckTimeouts: obj({ delay: { t: 'integer', min: 1 }, timeout: { t: 'integer', min: 1 } }),
          ...placement,
          configMaps: notCopied('configMaps'),
          secrets: notCopied('secrets'),
          experimentAnnotations: notCopied('annotations'),
          experimentImagePullSecrets: notCopied('imagePullSecrets'),
          resources: notCopied('resources'),
        }),
        probe: { t: 'list', item: PROBE },
        rank: refuse('kubechaos runs one experiment per ChaosEngine; remove rank'),
      }),
    }, ['name']) },
  }, ['experiments']),
  status: refuse('this is the status of an existing ChaosEngine (kubectl get -o yaml): remove status, kubechaos creates a fresh engine'),
}, ['apiVersion', 'kind', 'spec']);
