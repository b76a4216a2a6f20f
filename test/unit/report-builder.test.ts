import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../../src/experiment/report-builder.ts';

const builder = () =>
  new ReportBuilder({ id: 'kc-1', fault: 'pod-kill', engine: 'native', target: { namespace: 'shop', selector: 'app=web', exclude: { names: [], selector: null } }, dryRun: false, threshold: 0.5 });

describe('the report timeline', () => {
  it('is strictly increasing in time: a reading within the same millisecond replaces the previous one', () => {
    const report = builder();
    report.sample({ t: '2026-12-01T00:00:00.000Z', health: 1, probes: { a: 1 } });
    report.sample({ t: '2026-12-01T00:00:00.000Z', health: 0.4, probes: { a: 0.4 } });
    report.sample({ t: '2026-12-01T00:00:00.001Z', health: 0.6, probes: { a: 0.6 } });
    report.sample({ t: '2026-12-01T00:00:00.001Z', health: 0.6, probes: { a: 0.6 } });
    const { timeline, minHealth } = report.snapshot();
    const times = timeline.map((s) => Date.parse(s.t));
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    expect(timeline.map((s) => s.health)).toEqual([0.4, 0.6]);
    // The replaced reading still counts towards the lowest health.
    expect(minHealth).toBe(0.4);
  });
});
