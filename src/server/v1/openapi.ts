/**
 * The API as an OpenAPI 3.1 document, served at `GET /api/v1/openapi.json`. It is written by hand
 * next to the routes, and `test/integration/serve-api.test.ts` checks every route answers as it
 * says (status and body schema), so the two cannot drift apart unnoticed.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const answer = (description: string, schema: object = ref('Error')) => ({ description, content: json(schema) });
const nullable = (type: string) => ({ type: [type, 'null'] });

const namespaceParam = { name: 'namespace', in: 'query', required: false, schema: { type: 'string' }, description: "The run's namespace; default: the server's namespace (`kubechaos serve -n`)." };
const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: "The run's `metadata.name`, or its generated id." };

/** Answers every authenticated route may give. */
const authAnswers = {
  '400': answer('A bad field, parameter or body; the message names it.'),
  '401': answer('No bearer token, or one the API server rejects (TokenReview).'),
  '403': answer("The caller's RBAC does not allow it (SubjectAccessReview); the message names the verb, resource and namespace."),
  '404': answer('Unknown namespace or experiment.'),
  '413': answer('The body is over 64 KiB.'),
};

const runInfo = {
  type: 'object',
  required: ['id', 'name', 'namespace', 'fault', 'engine', 'state', 'owner', 'startedAt', 'outcome', 'kills', 'health', 'minHealth'],
  properties: {
    id: { type: 'string' },
    name: nullable('string'),
    namespace: { type: 'string' },
    fault: { type: 'string' },
    engine: { type: 'string' },
    state: { enum: ['running', 'stopping', 'stale', 'ended'] },
    owner: { type: ['object', 'null'] },
    startedAt: nullable('string'),
    deadline: nullable('string'),
    renewedAt: nullable('string'),
    expiresAt: nullable('string'),
    ttlSeconds: nullable('number'),
    spec: {},
    restore: { type: 'array' },
    stopRequest: { type: ['object', 'null'] },
    endedAt: nullable('string'),
    outcome: { type: ['string', 'null'] },
    reason: nullable('string'),
    kills: nullable('number'),
    health: nullable('number'),
    minHealth: nullable('number'),
  },
};

export const OPENAPI = Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'kubechaos API',
    version: '1',
    description:
      'Create, list, stop and delete chaos experiments; the system health. Authentication: a Kubernetes bearer token, checked with a TokenReview; ' +
      "authorization: a SubjectAccessReview for the caller in the experiment's namespace (create: delete pods; list: list leases; get: get leases; " +
      'stop: update leases; delete: delete leases; /metrics: get on the non-resource path /metrics). Runs are Leases in the Lease registry, ' +
      'so runs of other processes (tests, the CLI) show and can be stopped here too.',
  },
  components: {
    securitySchemes: { kubernetes: { type: 'http', scheme: 'bearer', description: 'A Kubernetes token (ServiceAccount or any token the API server authenticates).' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, code: { type: 'string' }, field: nullable('string'), line: { type: 'number' }, column: { type: 'number' } } },
      RunInfo: runInfo,
      RunList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('RunInfo') } } },
      StopResult: {
        type: 'object',
        required: ['confirmed', 'unconfirmed', 'notFound'],
        properties: {
          confirmed: { type: 'array', items: { type: 'object', required: ['run', 'ms'], properties: { run: ref('RunInfo'), ms: { type: 'number' } } } },
          unconfirmed: { type: 'array', items: { type: 'object', required: ['run', 'why'], properties: { run: ref('RunInfo'), why: { type: 'string' } } } },
          notFound: { type: 'array', items: { type: 'string' } },
        },
      },
      DeleteResult: { type: 'object', required: ['deleted', 'stopped', 'recordsDeleted'], properties: { deleted: ref('RunInfo'), stopped: { type: 'boolean' }, recordsDeleted: { type: 'number' } } },
      StopBody: { type: 'object', properties: { reason: { type: 'string' }, timeout: { type: ['string', 'number'] } }, additionalProperties: false },
      StopAllBody: { type: 'object', required: ['all'], properties: { all: { const: true }, namespace: { type: 'string' }, reason: { type: 'string' }, timeout: { type: ['string', 'number'] } }, additionalProperties: false },
      ReapBody: { type: 'object', properties: { namespace: { type: 'string' } }, additionalProperties: false },
      Experiment: {
        type: 'object',
        description: 'The experiment document `kubechaos create -f` takes (docs/cli.md), as JSON or YAML.',
        required: ['apiVersion', 'kind', 'spec'],
        properties: { apiVersion: { const: 'kubechaos.dev/v1alpha1' }, kind: { const: 'PodKill' }, metadata: { type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' } } }, spec: { type: 'object' } },
      },
      Health: {
        type: 'object',
        required: ['status', 'apiServer', 'detail'],
        description:
          'Without a token (a kubelet probe), or for a caller who may not list leases in the scope: only `status` and `apiServer.reachable`. ' +
          'With the right: the health of each running experiment (the minimum over its probes, or with none the readiness of the workloads owning its targets, as of its last heartbeat); ' +
          'of each namespace with a live run (and `?namespace=`): the lowest ready/desired replica ratio over its Deployments and StatefulSets; the breakers; runs by state.',
        properties: {
          status: { enum: ['ok', 'unavailable'] },
          detail: { type: 'boolean' },
          apiServer: { type: 'object', required: ['reachable'], properties: { reachable: { type: 'boolean' }, version: nullable('string'), latencyMs: { type: 'number' }, error: nullable('string') } },
          namespaces: { type: 'array', items: { type: 'object', required: ['namespace', 'health', 'workloads', 'runningExperiments'], properties: { namespace: { type: 'string' }, health: nullable('number'), workloads: { type: 'array' }, runningExperiments: { type: 'number' } } } },
          experiments: { type: 'array', items: { type: 'object', required: ['id', 'namespace', 'state', 'health'], properties: { id: { type: 'string' }, name: nullable('string'), namespace: { type: 'string' }, state: { type: 'string' }, health: nullable('number'), minHealth: nullable('number'), kills: nullable('number') } } },
          breakers: { type: 'array', items: { type: 'object', required: ['namespace', 'state', 'aborts'], properties: { namespace: { type: 'string' }, state: { enum: ['closed', 'open', 'half-open'] }, aborts: { type: 'number' } } } },
          runs: { type: 'object', required: ['total', 'byState'], properties: { total: { type: 'number' }, byState: { type: 'object', required: ['running', 'stopping', 'stale', 'ended'] } } },
          server: { type: 'object', properties: { ownedExperiments: { type: 'number' } } },
        },
      },
    },
  },
  security: [{ kubernetes: [] }],
  paths: {
    '/api/v1/experiments': {
      get: {
        operationId: 'listExperiments',
        summary: 'Runs the registry knows: live ones (Leases) and recently ended ones (end-of-run Events), from every process; newest first.',
        parameters: [{ ...namespaceParam, description: 'Only this namespace; default: the server\'s namespace, else every namespace.' }],
        responses: { '200': answer('The runs.', ref('RunList')), ...authAnswers },
      },
      post: {
        operationId: 'createExperiment',
        summary: 'Preflights and starts an experiment; this server owns the run and registers it in the Lease registry. Answers once the fault is live.',
        parameters: [namespaceParam],
        requestBody: { required: true, content: { 'application/json': { schema: ref('Experiment') }, 'application/yaml': { schema: ref('Experiment') } } },
        responses: {
          '201': { ...answer('Started; `Location` names it.', ref('RunInfo')), headers: { location: { schema: { type: 'string' } } } },
          ...authAnswers,
          '409': answer('Another live run has this name (RUN_NAME_TAKEN) or targets these pods (TARGET_BUSY), or the target\'s breaker is open (CIRCUIT_OPEN); nothing changed.'),
          '422': answer('Preflight refused (NO_TARGETS, PROTECTED_NAMESPACE, BLAST_RADIUS, HEALTH_BELOW_THRESHOLD, ...); nothing changed.'),
        },
      },
    },
    '/api/v1/experiments/{name}': {
      get: { operationId: 'getExperiment', summary: 'One run: its live run of that name, else the newest ended one.', parameters: [nameParam, namespaceParam], responses: { '200': answer('The run.', ref('RunInfo')), ...authAnswers } },
      delete: {
        operationId: 'deleteExperiment',
        summary: 'Stops the run if it is running (waits for its owner to confirm), then deletes its end-of-run records, so the registry forgets it.',
        parameters: [nameParam, namespaceParam],
        responses: { '200': answer('Stopped if needed, and forgotten.', ref('DeleteResult')), ...authAnswers, '409': answer('The run did not confirm its stop; nothing was forgotten.') },
      },
    },
    '/api/v1/experiments/{name}/stop': {
      post: {
        operationId: 'stopExperiment',
        summary: 'The emergency stop: asks the run\'s owner (any process) to stop and waits until it confirmed (202: not within `timeout`).',
        parameters: [nameParam, namespaceParam],
        requestBody: { required: false, content: json(ref('StopBody')) },
        responses: { '200': answer('Confirmed.', ref('StopResult')), '202': answer('Asked; not confirmed in time.', ref('StopResult')), ...authAnswers },
      },
    },
    '/api/v1/stop': {
      post: {
        operationId: 'stopAll',
        summary: 'Stops every live run in `namespace` (or the server\'s scope).',
        requestBody: { required: true, content: json(ref('StopAllBody')) },
        responses: { '200': answer('Every run confirmed.', ref('StopResult')), '202': answer('Some did not confirm in time.', ref('StopResult')), ...authAnswers },
      },
    },
    '/api/v1/reap': {
      post: {
        operationId: 'reap',
        summary: 'Reaps runs whose owner died (stale Leases): restores what they changed and ends them.',
        requestBody: { required: false, content: json(ref('ReapBody')) },
        responses: { '200': answer('What was reaped.', { type: 'object', required: ['reaped'], properties: { reaped: { type: 'array' } } }), ...authAnswers },
      },
    },
    '/api/v1/system/health': {
      get: {
        operationId: 'systemHealth',
        summary: 'Health of the system; `check=live` answers 200 while the process serves (liveness), the default `ready` answers 503 when the API server does not.',
        security: [{}, { kubernetes: [] }],
        parameters: [
          { name: 'check', in: 'query', required: false, schema: { enum: ['live', 'ready'] } },
          { ...namespaceParam, description: 'Also report the health of this namespace.' },
        ],
        responses: { '200': answer('Healthy.', ref('Health')), '503': answer('The API server does not answer.', ref('Health')), '400': answer('A bad parameter.'), '404': answer('Unknown namespace.') },
      },
    },
    '/api/v1/openapi.json': {
      get: { operationId: 'openapi', summary: 'This document.', security: [{}], responses: { '200': answer('The OpenAPI 3.1 document.', { type: 'object', required: ['openapi', 'paths'] }) } },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics: every run the registry knows (all processes; running or recently ended), the runs this server owns, and the API\'s request metrics.',
        responses: { '200': { description: 'The Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': authAnswers['401'], '403': authAnswers['403'], '404': answer('prom-client is not installed.') },
      },
    },
  },
});
