// toHaveStayedAbove / toHaveRecoveredWithin on real reports, through kubechaos/vitest's expect.
import { beforeAll, describe, it } from 'vitest';
import { expect } from '../../src/vitest/index.ts';
import { chaosMatchers, SafetyAbortError, type Report } from '../../src/index.ts';
import { abortedRun, passingRun } from './report-support.ts';

let passed: Report;
let aborted: Report;
beforeAll(async () => {
  passed = (await passingRun()).report;
  aborted = (await abortedRun()).report;
});

describe('toHaveStayedAbove', () => {
  it('passes when the lowest health while the fault was active is at or above the bound', () => {
    expect(passed.minHealth).toBe(0.8);
    expect(passed).toHaveStayedAbove(0.8);
    expect(passed).toHaveStayedAbove(0.5);
    expect(passed).not.toHaveStayedAbove(0.9);
  });

  it('fails with the lowest reading, its probes and the outcome', () => {
    expect(() => expect(aborted).toHaveStayedAbove(0.6)).toThrow(/to have stayed above 0.6, but health fell to 0.200 at .* \(dial=0.200\); outcome aborted: health 0.200 fell below/);
  });

  it('accepts an error carrying a report (SafetyAbortError)', () => {
    expect(new SafetyAbortError(aborted)).not.toHaveStayedAbove(0.6);
  });

  it('fails clearly without probes, and rejects non-reports and bad thresholds', () => {
    const blind = { ...passed, minHealth: null, timeline: [] } as Report;
    expect(() => expect(blind).toHaveStayedAbove(0.5)).toThrow(/recorded no health .* add a probe/);
    expect(() => expect({ foo: 1 }).toHaveStayedAbove(0.5)).toThrow(/expected a kubechaos report \(or an error carrying one\), got Object/);
    expect(() => expect(passed).toHaveStayedAbove(2)).toThrow(/threshold in \[0, 1\], got 2/);
  });
});

describe('toHaveRecoveredWithin', () => {
  it('uses timeToRecover when the run measured it', () => {
    const recovered = { ...aborted, timeToRecover: 12_000 } as Report;
    expect(recovered).toHaveRecoveredWithin('30s');
    expect(recovered).toHaveRecoveredWithin(12_000);
    expect(() => expect(recovered).toHaveRecoveredWithin('10s')).toThrow(/to recover within 10000 ms, but it took 12000 ms/);
  });

  it('counts health that never left the threshold as recovered at once', () => {
    expect(passed.timeToRecover).toBeNull();
    expect(passed).toHaveRecoveredWithin('0s');
  });

  it('fails with a hint when nothing was measured', () => {
    expect(() => expect(aborted).toHaveRecoveredWithin('30s')).toThrow(/did not record a recovery \(outcome aborted: .*\); ask for one with .expectRecovery/);
    expect(() => expect(passed).toHaveRecoveredWithin('soon' as never)).toThrow(/toHaveRecoveredWithin\(duration\)/);
  });

  it('are plain { pass, message } matchers that jest can use as well', () => {
    const result = chaosMatchers.toHaveStayedAbove.call({}, passed, 0.9);
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(/fell to 0.800/);
  });
});
