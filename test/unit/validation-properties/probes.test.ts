// The probe constructors refuse a probe that could never give a reading (issue 9).
import { describe, expect, it } from 'vitest';
import { probes } from '../../../src/index.ts';
import { probesEntryPoint } from './support/probes.ts';
import { validationProperties } from './support/properties.ts';

describe('probes validation properties', () => {
  validationProperties(probesEntryPoint(), { bad: 300, good: 60 });
});

describe('probes validation, examples', () => {
  it("probes.http('web.shop/health') is refused at construction, naming the probe and saying to add http://", () => {
    expect(() => probes.http('web.shop/health')).toThrow(TypeError);
    expect(() => probes.http('web.shop/health')).toThrow('Expected `probes.http(url)` to be an absolute http:// or https:// URL, got "web.shop/health": add the scheme: "http://web.shop/health".');
    // 'localhost:8080' parses as a URL whose scheme is "localhost:"
    expect(() => probes.http('localhost:8080/health')).toThrow(/add the scheme: "http:\/\/localhost:8080\/health"/);
    expect(() => probes.http('ftp://web.shop/health')).toThrow(/only http:\/\/ and https:\/\/ are probed/);
    expect(() => probes.http(new URL('file:///etc/passwd'))).toThrow(/`probes.http\(url\)`/);
    expect(probes.http('HTTPS://web.shop:8443/health').name).toBe('http GET HTTPS://web.shop:8443/health');
  });

  it('readiness names and namespaces are what the API server accepts', () => {
    expect(() => probes.readiness({ kind: 'Deployment', name: 'Web' })).toThrow(/`name` to be an object name .*try "web"/);
    expect(() => probes.readiness({ kind: 'Deployment', name: 'web', namespace: 'shop.eu' })).toThrow(/`namespace` to be a namespace name/);
  });

  it('statuses are in [100, 599], methods are tokens, durations are whole milliseconds', () => {
    expect(() => probes.http('http://web', { expect: 99 })).toThrow(/`expect`/);
    expect(() => probes.http('http://web', { expect: [] })).toThrow(/`expect`/);
    expect(() => probes.http('http://web', { method: 'GET /' })).toThrow(/`method`/);
    expect(() => probes.http('http://web', { interval: 0.5 })).toThrow(/`interval`/);
    expect(() => probes.custom(() => 1, { interval: 2 ** 31 })).toThrow(/`interval`/);
  });
});
