// The CLI refuses bad flag values with the usage exit code, naming the flag, before any request
// reaches the API server (issue 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFlagsEntryPoint } from './support/cli-flags.ts';
import { countingApiServer, runCli, type CountingApiServer } from './support/counting-apiserver.ts';
import { validationProperties } from './support/properties.ts';

describe('CLI flag validation properties', () => {
  validationProperties(cliFlagsEntryPoint(), { bad: 200, good: 25, timeout: 120_000 });
});

describe('CLI flag validation, the cases the issue names', () => {
  let server: CountingApiServer;
  beforeAll(async () => {
    server = await countingApiServer();
  });
  afterAll(async () => server.close());

  it('--for 30 is refused (a unit is required, as in kubectl), suggesting --for 30s, and nothing is sent', async () => {
    const result = await runCli(server, ['run', '--target', 'app=web', '--for', '30']);
    expect(result).toMatchObject({ exitCode: 2, requests: 0 });
    expect(result.stderr).toContain('--for must be a duration with a unit, as kubectl reads it: write --for 30s for 30 seconds (or --for 30ms)');
  });

  it('an invalid namespace is a usage error, not NO_TARGETS after a list', async () => {
    const result = await runCli(server, ['run', '--target', 'app=web', '-n', 'Shop']);
    expect(result).toMatchObject({ exitCode: 2, requests: 0 });
    expect(result.stderr).toMatch(/-n\/--namespace must be a namespace name/);
  });

  it('a probe URL without a scheme is refused, saying to add http://', async () => {
    const result = await runCli(server, ['run', '--target', 'app=web', '--probe-http', 'web.shop/health']);
    expect(result).toMatchObject({ exitCode: 2, requests: 0 });
    expect(result.stderr).toContain('add the scheme: "http://web.shop/health"');
  });

  it('--every past the timer limit, and --percent NaN, are refused', async () => {
    expect(await runCli(server, ['run', '--target', 'app=web', '--every', '600h'])).toMatchObject({ exitCode: 2, requests: 0 });
    const nan = await runCli(server, ['run', '--target', 'app=web', '--percent', 'NaN']);
    expect(nan).toMatchObject({ exitCode: 2, requests: 0 });
    expect(nan.stderr).toContain('--percent must be a number in (0, 100]');
  });

  it('good flags reach the API server (the counter counts)', async () => {
    const result = await runCli(server, ['run', '--target', 'app=web', '--for', '1m30s', '--every', '1.5s', '--probe-http', 'http://web.shop/health']);
    expect(result.exitCode).not.toBe(2);
    expect(result.requests).toBeGreaterThan(0);
  });
});
