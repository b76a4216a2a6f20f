import { custom } from './custom.ts';
import { http } from './http.ts';
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
 *   .probe(probes.custom(async () => 0.95));
 * ```
 */
export const probes = Object.freeze({ readiness, http, custom });
