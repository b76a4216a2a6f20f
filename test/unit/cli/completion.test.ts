// Shell completion: the scripts cover every command and flag (they are built from the command
// tree), and the bash one asks `kubechaos __complete` for namespaces and run names, passing on
// the connection flags already typed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/io.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, readFile: async () => '' };
  const code = await main(argv, io);
  return { code, out, err };
}

const hasBash = spawnSync('bash', ['--version']).status === 0;

/** Completes `line` (words; the last is the one being typed) with the bash script and a stub `kubechaos` that logs its calls. */
function completeBash(script: string, line: string[]): { words: string[]; calls: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kc-complete-'));
  try {
    writeFileSync(join(dir, 'kc.bash'), script);
    const stub = `kubechaos() { echo "$*" >> ${dir}/calls; case "$*" in *"__complete namespaces") printf 'shop\\nstaging\\n' ;; *"__complete runs") printf 'nightly\\nkc-0123456789\\n' ;; esac; }`;
    const words = line.map((w) => `'${w}'`).join(' ');
    const program = `${stub}\nsource ${dir}/kc.bash\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}\n_kubechaos\nprintf '%s\\n' "\${COMPREPLY[@]}"\ncat ${dir}/calls >&2`;
    const res = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
    return { words: res.stdout.split('\n').filter(Boolean), calls: res.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kubechaos completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s: names every command and the flags of run, stop and create', async (shell) => {
    const { code, out } = await run(['completion', shell]);
    expect(code).toBe(0);
    for (const word of ['run', 'create', 'list', 'status', 'stop', 'reap', 'breaker', 'serve', 'completion']) expect(out).toContain(word);
    for (const flag of ['target', 'every', 'name', 'safety-threshold', 'all', 'timeout', 'filename', 'namespace', 'output', 'kubeconfig']) expect(out).toContain(flag);
    expect(out).toContain('__complete namespaces');
    expect(out).toContain('__complete runs');
    expect(out).not.toMatch(/--duration|--yaml/); // the hidden platform spellings are not offered
  });

  it('refuses an unknown shell', async () => {
    const { code, err } = await run(['completion', 'tcsh']);
    expect(code).toBe(2);
    expect(err).toMatch(/Allowed choices are bash, zsh, fish/);
  });

  it('__complete is silent and exits 0 when the cluster cannot be reached', async () => {
    expect(await run(['__complete', 'runs', '--kubeconfig', '/nonexistent/kubeconfig'])).toEqual({ code: 0, out: '', err: '' });
    expect(await run(['__complete', 'namespaces', '--kubeconfig', '/nonexistent/kubeconfig'])).toEqual({ code: 0, out: '', err: '' });
  });

  it('__complete is hidden from --help', async () => {
    expect((await run(['--help'])).out).not.toContain('__complete');
  });

  describe.runIf(hasBash)('the bash script', async () => {
    const script = (await run(['completion', 'bash'])).out;

    it('is valid bash', () => {
      const dir = mkdtempSync(join(tmpdir(), 'kc-complete-'));
      writeFileSync(join(dir, 'kc.bash'), script);
      expect(spawnSync('bash', ['-n', join(dir, 'kc.bash')]).status).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    });

    it('completes commands, then flags of the command', () => {
      expect(completeBash(script, ['kubechaos', 'st']).words).toEqual(['status', 'stop']);
      expect(completeBash(script, ['kubechaos', 'stop', '--a']).words).toEqual(['--all', '--all-namespaces']);
      expect(completeBash(script, ['kubechaos', 'run', '--safety-t']).words).toEqual(['--safety-threshold']);
      expect(completeBash(script, ['kubechaos', '-o', '']).words).toEqual(['table', 'json', 'yaml']);
    });

    it('completes namespaces and run names from the cluster, with the flags already typed', () => {
      expect(completeBash(script, ['kubechaos', 'list', '-n', 's']).words).toEqual(['shop', 'staging']);
      const runs = completeBash(script, ['kubechaos', '--kubeconfig', '/k', 'stop', '-n', 'shop', 'n']);
      expect(runs.words).toEqual(['nightly']);
      expect(runs.calls).toContain('--kubeconfig /k -n shop __complete runs');
      // The value of -n is not taken for the command.
      expect(completeBash(script, ['kubechaos', '-n', 'shop', 'status', '']).words).toEqual(['nightly', 'kc-0123456789']);
    });
  });
});
