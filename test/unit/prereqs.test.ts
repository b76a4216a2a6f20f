// The quick start checks every prerequisite in its first second, before any build: run with a
// PATH that has everything but `nft` (symlinks to the machine's tools), it stops at once, naming
// the package and the command, and starts nothing. Fakes stand in for `go`, `npm` and `apt-get`
// and record every call, so "nothing was built" is checked, not assumed.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A PATH directory with a symlink to every tool on this PATH except `leaveOut`, plus fakes. */
function fakePath(leaveOut: readonly string[], fakes: Record<string, string>): { bin: string; calls: string } {
  const base = mkdtempSync(join(tmpdir(), 'kubechaos-prereqs-'));
  dirs.push(base);
  const bin = join(base, 'bin');
  mkdirSync(bin);
  const calls = join(base, 'calls.log');
  writeFileSync(calls, '');
  const skip = new Set([...leaveOut, ...Object.keys(fakes)]);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (skip.has(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  for (const [name, body] of Object.entries(fakes)) {
    const file = join(bin, name);
    // Every fake logs its arguments first, so the test sees what was attempted.
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> '${calls}'\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return { bin, calls };
}

/** A Go that answers the version question (as 1.26) and fails, loudly logged, at anything else. */
const GO_126 = 'if [ "$1 $2" = "env GOVERSION" ]; then echo go1.26.0; exit 0; fi\nexit 1';

function run(args: string[], bin: string, env: Record<string, string> = {}) {
  const started = Date.now();
  const result = spawnSync('bash', args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
    env: { HOME: process.env.HOME ?? '/root', PATH: bin, ...env },
  });
  return { ...result, ms: Date.now() - started, firstLine: result.stderr.split('\n')[0] ?? '' };
}

const emptyCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubechaos-cache-'));
  dirs.push(dir);
  return dir;
};

describe('scripts/prereqs.sh, run before anything else by scripts/run.sh', () => {
  it('`npm run demo` without nft: the message comes first, names the package and the command, and no build starts', () => {
    const cache = emptyCache();
    const { bin, calls } = fakePath(['nft'], { go: GO_126, npm: 'exit 1', 'apt-get': 'exit 1' });
    const result = run(['scripts/run.sh', 'demo'], bin, { KUBECHAOS_NO_INSTALL: '1', KUBECHAOS_CACHE: cache });

    expect(result.status, result.stderr).toBe(1);
    expect(result.firstLine).toBe('kubechaos: cannot run `demo`: prerequisites are missing (checked before building or starting anything)');
    expect(result.stderr).toContain('nft       (Debian package nftables)');
    expect(result.stderr).toContain('apt-get update && apt-get install -y nftables');
    expect(result.stdout).toBe('');
    // No build, no npm, no Node download, not even a cache directory.
    expect(result.stderr).not.toContain('[build-cluster]');
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toEqual(['go env GOVERSION']);
    expect(readdirSync(cache)).toEqual([]);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('`npm test` also needs chromium, and Go when the control plane is not cached: every problem in one message', () => {
    const { bin } = fakePath(['nft', 'chromium', 'chromium-browser', 'google-chrome', 'go'], { npm: 'exit 1' });
    const result = run(['scripts/run.sh', 'test'], bin, { KUBECHAOS_NO_INSTALL: '1', KUBECHAOS_CACHE: emptyCache() });

    expect(result.status, result.stderr).toBe(1);
    expect(result.firstLine).toContain('cannot run `test`');
    expect(result.stderr).toContain('apt-get install -y nftables chromium');
    expect(result.stderr).toMatch(/Go >= 1\.26 is needed to build the local control plane .* and the Litmus chaos-operator once/);
    expect(result.stderr).toContain('found: none on PATH');
    expect(result.stderr).toMatch(/curl -fsSL https:\/\/go\.dev\/dl\/go1\.26\.\d+\.linux-\w+\.tar\.gz \| (sudo )?tar -C \/usr\/local -xz/);
  });

  it('a Go older than 1.26 is named with its version and the fix', () => {
    const { bin } = fakePath([], { go: 'echo go1.22.5', npm: 'exit 1' });
    const result = run(['scripts/prereqs.sh', 'demo'], bin, { KUBECHAOS_NO_INSTALL: '1', KUBECHAOS_CACHE: emptyCache() });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('found: go1.22.5');
    expect(result.stderr).toContain('export GOTOOLCHAIN=go1.26.');
  });

  it.skipIf(!isRoot)('as root with apt-get: installs the missing package (update, then install -y), then goes on', () => {
    // The fake apt-get "installs" nft by dropping an executable next to itself.
    const { bin, calls } = fakePath(['nft'], {
      'apt-get': 'case "$1" in install) printf "#!/bin/sh\\n" > "$(dirname "$0")/nft"; chmod +x "$(dirname "$0")/nft";; esac\nexit 0',
      go: GO_126,
    });
    const result = run(['scripts/prereqs.sh', 'demo'], bin, { KUBECHAOS_CACHE: emptyCache() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.firstLine).toBe('kubechaos: installing missing Debian packages: nftables (apt-get update, then apt-get install -y)');
    expect(readFileSync(calls, 'utf8')).toMatch(/^apt-get update -qq\napt-get install -y -qq nftables\n/);
  });

  it.skipIf(!isRoot)('as root, when apt-get fails: stops at once, naming the package and the failed command', () => {
    const { bin, calls } = fakePath(['nft'], { 'apt-get': 'echo "E: Unable to locate package $4" >&2; exit 100', go: GO_126 });
    const result = run(['scripts/run.sh', 'demo'], bin, { KUBECHAOS_CACHE: emptyCache() });
    expect(result.status, result.stderr).toBe(1);
    expect(result.firstLine).toContain('installing missing Debian packages: nftables');
    expect(result.stderr).toContain('apt-get update && apt-get install -y nftables failed');
    expect(result.stderr).not.toContain('[build-cluster]');
    expect(readFileSync(calls, 'utf8')).not.toContain('go build');
  });

  it('passes quietly when everything is there', () => {
    const { bin } = fakePath([], { go: GO_126 });
    const result = run(['scripts/prereqs.sh', 'demo'], bin, { KUBECHAOS_NO_INSTALL: '1', KUBECHAOS_CACHE: emptyCache() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });
});
