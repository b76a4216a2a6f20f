import { describe, expect, it } from 'vitest';
import { formatSelector, labelSelectorToString, matches, parseSelector } from '../../src/cluster/selector.ts';

describe('label selectors', () => {
  it('matches like the API server', () => {
    const reqs = parseSelector('app=web,tier!=db,env in (prod,stage),!canary,zone');
    expect(matches(reqs, { app: 'web', env: 'prod', zone: 'a' })).toBe(true);
    expect(matches(reqs, { app: 'web', env: 'prod', zone: 'a', tier: 'db' })).toBe(false);
    expect(matches(reqs, { app: 'web', env: 'dev', zone: 'a' })).toBe(false);
    expect(matches(reqs, { app: 'web', env: 'prod', zone: 'a', canary: 'true' })).toBe(false);
    expect(matches(reqs, { app: 'web', env: 'prod' })).toBe(false);
    expect(matches(parseSelector('x notin (a)'), {})).toBe(true);
  });

  it('round-trips through the canonical form', () => {
    const text = 'app=web,tier!=db,env in (prod,stage),!canary,zone';
    expect(formatSelector(parseSelector(text))).toBe(text);
    expect(formatSelector(parseSelector({ 'app.kubernetes.io/name': 'web' }))).toBe('app.kubernetes.io/name=web');
    expect(formatSelector(parseSelector(''))).toBe('');
  });

  it('converts LabelSelector objects', () => {
    expect(
      labelSelectorToString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'x', operator: 'Exists' }] }),
    ).toBe('app=web,tier notin (db),x');
  });
});
