// JSON, JUnit, SVG timeline and HTML from real reports (runs on the in-memory cluster).
import { beforeAll, describe, expect, it } from 'vitest';
import { toHtml, toJson, toJUnit, toSvgTimeline, type Report, type SuiteJson } from '../../src/index.ts';
import { abortedRun, passingRun } from './report-support.ts';
import { findAll, parseXml } from './report-xml.ts';

let passed: Report;
let aborted: Report;

beforeAll(async () => {
  passed = (await passingRun()).report;
  aborted = (await abortedRun()).report;
});

describe('JUnit', () => {
  it('parses, with one testcase per run and one failure for the abort', () => {
    const xml = toJUnit([{ name: 'web survives pod kills', report: passed }, { name: 'aborts when the app breaks', report: aborted }], { suiteName: 'chaos' });
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'chaos', tests: '2', failures: '1', errors: '0' });
    const [suite] = findAll(root, 'testsuite');
    expect(suite!.attrs).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '0' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['web survives pod kills', 'aborts when the app breaks']);
    expect(findAll(cases[0]!, 'failure')).toEqual([]);
    const failures = findAll(root, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.attrs.type).toBe('aborted');
    expect(failures[0]!.attrs.message).toBe(aborted.abortReason);
    expect(failures[0]!.attrs.message).toMatch(/fell below threshold 0.6/);
    expect(findAll(cases[0]!, 'system-out')[0]!.text).toContain(`${passed.kills.length} pod(s) killed`);
    for (const kill of passed.kills) expect(findAll(cases[0]!, 'system-out')[0]!.text).toContain(kill.pod);
    for (const c of cases) expect(Number(c.attrs.time)).toBeGreaterThan(0);
    // The breaker change of the abort (counted in this client's breaker) is in its output.
    expect(aborted.breaker).toEqual([expect.objectContaining({ change: 'counted', aborts: 1, threshold: 3 })]);
    expect(findAll(cases[1]!, 'system-out')[0]!.text).toContain('breaker counted (1/3 consecutive safety aborts)');
    expect(findAll(cases[0]!, 'system-out')[0]!.text).not.toContain('breaker');
  });

  it('carries the stop cause, stalls, skipped rounds and retries as properties and in system-out', () => {
    const stalled: Report = {
      ...aborted,
      stalls: [{ kind: 'api', at: '2026-12-01T00:00:02.000Z', durationMs: 5120, failedCalls: [{ operation: 'list pods', at: '2026-12-01T00:00:03.000Z', attempt: 1, error: 'connect ECONNREFUSED' }] }],
      skippedRounds: [{ round: 3, due: '2026-12-01T00:00:03.000Z' }, { round: 4, due: '2026-12-01T00:00:04.000Z' }],
      retries: [{ operation: 'list pods', at: '2026-12-01T00:00:03.000Z', attempt: 1, error: 'connect ECONNREFUSED' }],
    };
    const [tc] = findAll(parseXml(toJUnit([stalled])), 'testcase');
    const props = Object.fromEntries(findAll(tc!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props).toMatchObject({ 'kubechaos.stopCause': 'safety', 'kubechaos.stalls': '1', 'kubechaos.skippedRounds': '2', 'kubechaos.retries': '1', 'kubechaos.outcome': 'aborted' });
    const out = findAll(tc!, 'system-out')[0]!.text;
    expect(out).toContain('stall (api) at 2026-12-01T00:00:02.000Z for 5120 ms, 1 failed call(s), last: list pods: connect ECONNREFUSED');
    expect(out).toContain('skipped round(s) 3, 4');
    expect(out).toContain('stopped by: safety');
    expect(findAll(tc!, 'failure')[0]!.text).toContain('cause: safety');
  });

  it('escapes names and reasons, drops characters XML forbids, and reports errors as <error>', () => {
    const hostile = { ...aborted, outcome: 'error', abortReason: 'teardown left <Lease> & "friends"\u0007 behind' } as Report;
    const root = parseXml(toJUnit([{ name: `a <b> & "c" 'd'\u0001`, report: hostile }, passed]));
    const [tc1, tc2] = findAll(root, 'testcase');
    expect(tc1!.attrs.name).toBe(`a <b> & "c" 'd'`);
    expect(findAll(tc1!, 'error')[0]!.attrs.message).toBe('teardown left <Lease> & "friends" behind');
    expect(tc2!.attrs.name).toBe(`pod-kill shop/app=web (${passed.id})`);
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '1' });
  });

  it('is a valid empty suite without runs', () => {
    expect(parseXml(toJUnit([])).attrs).toMatchObject({ tests: '0', failures: '0' });
  });
});

describe('SVG timeline', () => {
  it('is well-formed SVG with the health line, the threshold, a marker per kill and no abort marker for a passed run', () => {
    const svg = parseXml(toSvgTimeline(passed));
    expect(svg.name).toBe('svg');
    expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    const groups = findAll(svg, 'g');
    expect(groups.filter((g) => g.attrs.class === 'kill')).toHaveLength(passed.kills.length);
    expect(groups.filter((g) => g.attrs.class === 'threshold')).toHaveLength(1);
    expect(groups.filter((g) => g.attrs.class === 'abort')).toHaveLength(0);
    const health = findAll(svg, 'path').find((p) => p.attrs.class === 'health');
    expect(health?.attrs.d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+/);
  });

  it('marks the abort where the run stopped, after the drop below the threshold', () => {
    const svg = parseXml(toSvgTimeline(aborted, { width: 900, height: 300 }));
    expect(svg.attrs).toMatchObject({ width: '900', height: '300' });
    const abort = findAll(svg, 'g').find((g) => g.attrs.class === 'abort');
    expect(abort).toBeDefined();
    expect(findAll(abort!, 'title')[0]!.text).toContain(aborted.abortReason!);
    // Every coordinate stays inside the picture.
    for (const line of findAll(svg, 'line')) {
      for (const k of ['x1', 'x2']) expect(Number(line.attrs[k])).toBeGreaterThanOrEqual(0), expect(Number(line.attrs[k])).toBeLessThanOrEqual(900);
    }
  });

  it('says so when there is no health to draw', () => {
    const none = { ...passed, timeline: [], minHealth: null, threshold: null } as Report;
    expect(toSvgTimeline(none)).toContain('no health samples');
    parseXml(toSvgTimeline(none));
  });
});

describe('HTML and JSON', () => {
  it('HTML lists the breaker changes of a run', () => {
    expect(toHtml([aborted])).toContain('<strong>Breaker:</strong></p><ul><li>');
    expect(toHtml([passed])).not.toContain('<strong>Breaker:</strong>');
  });

  it('HTML embeds one timeline per run and escapes names', () => {
    const html = toHtml([{ name: '<script>alert(1)</script>', report: passed }, aborted], { title: 'Suite & co' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<title>Suite &amp; co</title>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('1 passed · 1 aborted · 0 failed · 0 error');
    for (const kill of passed.kills) expect(html).toContain(kill.pod);
  });

  it('JSON round-trips a report, and a suite as { format, generatedAt, runs }', () => {
    expect(JSON.parse(toJson(passed))).toEqual(passed);
    const suite = JSON.parse(toJson([passed, { name: 'aborted', report: aborted }])) as SuiteJson;
    expect(suite.format).toBe('kubechaos-suite/1');
    expect(suite.runs.map((r) => r.name)).toEqual([`pod-kill shop/app=web (${passed.id})`, 'aborted']);
    expect(suite.runs[1]!.report).toEqual(aborted);
  });
});
