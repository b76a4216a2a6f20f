// The fluent builder refuses bad options before the cluster is touched (issue 9).
import { describe, expect, it } from 'vitest';
import { builderEntryPoint } from './support/builder.ts';
import { countingChaos } from './support/entry-point.ts';
import { validationProperties } from './support/properties.ts';

describe('builder validation properties', () => {
  validationProperties(builderEntryPoint(), { bad: 300, good: 60 });
});

describe('builder validation, the cases the issue names', () => {
  const target = { namespace: 'shop', selector: { app: 'web' } };

  it('every(0.4) is refused: a number is whole milliseconds (it used to round to 0 and fire in a loop)', () => {
    const { chaos, requests } = countingChaos();
    expect(() => chaos().podKill(target).every(0.4)).toThrow(/Expected `every` to be a duration .*a number is whole milliseconds, and 0.4 is not/);
    expect(requests()).toBe(0);
  });

  it("durations past Node's timer limit are refused, naming the limit", () => {
    const { chaos } = countingChaos();
    expect(() => chaos().podKill(target).for(2 ** 31)).toThrow(/`for`.*over 2147483647ms/);
    expect(() => chaos().podKill(target).for('25d' as never)).toThrow(/`for`/);
    expect(() => chaos().podKill(target).for('597h')).toThrow(/`for`.*over 2147483647ms/);
    expect(chaos().podKill(target).for('596h').options.durationMs).toBe(596 * 3_600_000);
    expect(chaos().podKill(target).for(2 ** 31 - 1).options.durationMs).toBe(2 ** 31 - 1);
  });

  it('strings need a unit; combinations and decimals are exact', () => {
    const { chaos } = countingChaos();
    expect(() => chaos().podKill(target).every('30' as never)).toThrow(/a unit is required: write 30s/);
    expect(chaos().podKill(target).for('1m30s').options.durationMs).toBe(90_000);
    expect(chaos().podKill(target).every('1.1s').options.intervalMs).toBe(1100);
    expect(chaos().podKill(target).every('2s500ms').options.intervalMs).toBe(2500);
    expect(() => chaos().podKill(target).every('0.5ms')).toThrow(/millisecond resolution/);
  });

  it('an invalid namespace is a TypeError before any request, not NO_TARGETS after a list', async () => {
    const { chaos, requests } = countingChaos();
    expect(() => chaos().podKill({ namespace: 'Shop', selector: { app: 'web' } })).toThrow(/`namespace` to be a namespace name .*try "shop"/);
    expect(() => chaos().podKill({ namespace: 'shop_1', selector: { app: 'web' } })).toThrow(TypeError);
    expect(() => chaos().podKill({ namespace: 'a'.repeat(64), selector: { app: 'web' } })).toThrow(/64 characters long/);
    expect(requests()).toBe(0);
  });

  it('excluded pod names must be object names, each named by its index', () => {
    const { chaos } = countingChaos();
    expect(() => chaos().podKill({ ...target, exclude: { names: ['web-0', 'Web_1'] } })).toThrow(/`exclude.names\[1\]` to be an object name/);
  });

  it('label selectors are checked as the API server would: keys, values, operators', () => {
    const { chaos } = countingChaos();
    expect(() => chaos().podKill({ selector: 'app=web,' })).toThrow(/`selector` to be a valid label selector/);
    expect(() => chaos().podKill({ selector: 'app ~ web' })).toThrow(/operators =, ==, !=, in, notin, exists, !/);
    expect(() => chaos().podKill({ selector: `app=${'v'.repeat(64)}` })).toThrow(/valid label values/);
    expect(() => chaos().podKill({ selector: `${'k'.repeat(64)}=web` })).toThrow(/valid label keys/);
    expect(() => chaos().podKill({ selector: 'Example.com/app=web' })).toThrow(/valid label keys/);
    expect(chaos().podKill({ selector: 'app.kubernetes.io/name==web,tier notin (db),!canary' }).target.selector).toBe('app.kubernetes.io/name=web,tier notin (db),!canary');
  });
});
