// ChaosEngine documents as Litmus users write them (the shape of the Litmus docs' examples).

/** A Litmus 3.x ChaosEngine: selectors, env, an httpProbe, placement on the process node. */
export const ENGINE_3X = `apiVersion: litmuschaos.io/v1alpha1
kind: ChaosEngine
metadata:
  name: web-chaos
  namespace: shop
  labels:
    team: checkout
spec:
  engineState: active
  chaosServiceAccount: pod-delete-sa
  jobCleanUpPolicy: delete
  terminationGracePeriodSeconds: 5
  selectors:
    workloads:
      - kind: deployment
        namespace: shop
        labels: app=web
  components:
    runner:
      image: litmuschaos/chaos-runner:3.9.0
      nodeSelector:
        kubechaos.dev/node: process
      tolerations:
        - key: kubechaos.dev/process-node
          operator: Exists
          effect: NoSchedule
  experiments:
    - name: pod-delete
      spec:
        components:
          experimentImage: litmuschaos/go-runner:3.9.0
          statusCheckTimeouts:
            delay: 1
            timeout: 60
          nodeSelector:
            kubechaos.dev/node: process
          tolerations:
            - key: kubechaos.dev/process-node
              operator: Exists
              effect: NoSchedule
          env:
            - name: TOTAL_CHAOS_DURATION
              value: '20'
            - name: CHAOS_INTERVAL
              value: '5'
            - name: FORCE
              value: 'false'
            - name: PODS_AFFECTED_PERC
              value: '50'
        probe:
          - name: web-up
            type: httpProbe
            mode: Continuous
            httpProbe/inputs:
              url: http://web.shop:8080/health
              method:
                get:
                  criteria: ==
                  responseCode: '200'
            runProperties:
              probeTimeout: 2s
              interval: 1s
              attempt: 1
`;

/** A Litmus 2.x-style ChaosEngine: appinfo, annotationCheck, string booleans. */
export const ENGINE_2X = `apiVersion: litmuschaos.io/v1alpha1
kind: ChaosEngine
metadata:
  name: nginx-chaos
  namespace: default
spec:
  appinfo:
    appns: 'default'
    applabel: 'app=nginx'
    appkind: 'deployment'
  annotationCheck: 'false'
  engineState: 'active'
  chaosServiceAccount: pod-delete-sa
  experiments:
    - name: pod-delete
      spec:
        components:
          env:
            - name: TOTAL_CHAOS_DURATION
              value: '30'
            - name: PODS_AFFECTED_PERC
              value: ''
`;

/** `text` with the first occurrence of `from` replaced by `to`. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** The 1-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}
