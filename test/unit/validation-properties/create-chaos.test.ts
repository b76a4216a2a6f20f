// createChaos refuses bad client options before the cluster is touched (issue 9).
import { describe, expect, it } from 'vitest';
import { createChaosEntryPoint } from './support/create-chaos.ts';
import { countingChaos } from './support/entry-point.ts';
import { validationProperties } from './support/properties.ts';

describe('createChaos validation properties', () => {
  validationProperties(createChaosEntryPoint(), { bad: 300, good: 60 });
});

describe('createChaos validation, examples', () => {
  it('namespaces are DNS-1123 labels, in every namespace option', () => {
    expect(() => countingChaos({ namespace: 'My-Shop' }).chaos()).toThrow(/`namespace` to be a namespace name/);
    expect(() => countingChaos({ protectedNamespaces: ['kube-system', 'prod_eu'] }).chaos()).toThrow(/`protectedNamespaces\[1\]`/);
    expect(() => countingChaos({ allowedNamespaces: ['-shop'] }).chaos()).toThrow(/`allowedNamespaces\[0\]`/);
  });

  it('durations and the ports are checked too', () => {
    expect(() => countingChaos({ preflightTimeout: 0.5 }).chaos()).toThrow(/`preflightTimeout`.*whole milliseconds/);
    expect(() => countingChaos({ breaker: { halfOpenAfter: '30' } }).chaos()).toThrow(/`breaker.halfOpenAfter`.*a unit is required/);
    expect(() => countingChaos({ cluster: {} }).chaos()).toThrow(/`cluster` to be a ClusterPort: `cluster.defaultNamespace` is undefined/);
    expect(() => countingChaos({ registry: { register: 'x' } }).chaos()).toThrow(/`registry` to be a Registry/);
    expect(() => countingChaos({ litmus: { statusCheckTimeouts: { delay: 0, timeout: 10 } } }).chaos()).toThrow(/`litmus.statusCheckTimeouts.delay`/);
  });
});
