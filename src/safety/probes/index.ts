import { custom } from './custom.ts';
import { http } from './http.ts';
import { prometheus } from './prometheus.ts';
import { readiness } from './readiness.ts';

/**
 * Factories for health probes. Health is the minimum over all probes of an experiment.
 *
 * @example
 * ```ts
 * chaos.podKill(target)
 *   .withSafety(0.9)
 *   .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
 *   .probe(probes.http('http://web.shop/health', { expect: 200 }))
 *   .probe(probes.custom(async () => 0.95))
 *   .probe(probes.prometheus('(sum(rate(http_requests_total{code=~"5.."}[30s])) or vector(0)) / sum(rate(http_requests_total[30s]))', { url: 'http://prometheus:9090', below: 0.01 }));
 * ```
 */
export const probes = Object.freeze({ readiness, http, custom, prometheus });
