// The CLI starts fast because each command loads only what it needs: --help, --version and a
// command's --help never load the Kubernetes client (0.6 s on its own from node_modules).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Runs the CLI from source and returns the modules it loaded. */
function loaded(argv: readonly string[]): { code: number | null; modules: string[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kc-imports-'));
  const log = join(dir, 'imports.log');
  try {
    const res = spawnSync(process.execPath, ['--import', './test/unit/cli/support/record-imports.mjs', 'src/cli/main.ts', ...argv], {
      cwd: root,
      env: { ...process.env, KUBECHAOS_IMPORT_LOG: log, KUBECONFIG: '/nonexistent/kubeconfig' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    let modules: string[] = [];
    try {
      modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      // nothing loaded past the hook
    }
    return { code: res.status, modules, stderr: res.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const clientNode = (m: string) => m.includes('@kubernetes/client-node');

describe('CLI start-up', () => {
  it.each([['--version'], ['--help'], ['run', '--help'], ['create', '--help'], ['stop', '--help'], ['list', '--help'], ['breaker', 'reset', '--help'], ['serve', '--help'], ['completion', 'bash']])(
    '%j loads neither the Kubernetes client nor YAML',
    (...argv) => {
      const { code, modules, stderr } = loaded(argv);
      expect(code, stderr).toBe(0);
      expect(modules.length).toBeGreaterThan(5); // the hook saw the CLI's own modules
      expect(modules.filter(clientNode)).toEqual([]);
      expect(modules.filter((m) => m.includes('/node_modules/yaml/'))).toEqual([]);
    },
    60_000,
  );

  it('a usage error answers before the Kubernetes client loads', () => {
    const { code, modules } = loaded(['stop']);
    expect(code).toBe(2);
    expect(modules.filter(clientNode)).toEqual([]);
  }, 60_000);

  it('stop loads the Kubernetes client only when it runs (the hook sees it)', () => {
    const { code, modules } = loaded(['stop', '--all', '-n', 'shop']);
    expect(code).toBe(2); // the kubeconfig does not exist
    expect(modules.some(clientNode)).toBe(true);
  }, 60_000);
});
