import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/program.ts';
import type { CliIO } from '../../../src/cli/io.ts';

function io(files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const value: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async (path) => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path]!;
    },
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

// No test here reaches a cluster: the kubeconfig points nowhere, and each case fails before using it.
const nowhere = ['--kubeconfig', '/nonexistent/kubeconfig'];

describe('kubechaos CLI (no cluster)', () => {
  it.each(['run', 'create', 'list', 'status', 'stop', 'reap'])('%s --help prints usage, the global flags and the exit codes, and exits 0', async (command) => {
    const t = io();
    expect(await main([command, '--help'], t.io)).toBe(0);
    expect(t.out()).toContain(`Usage: kubechaos ${command}`);
    expect(t.out()).toContain('--kubeconfig <path>');
    expect(t.out()).toContain('-o, --output <format>');
    expect(t.out()).toContain('6  stop: some runs did not confirm in time');
  });

  it('top-level --help lists every command', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    for (const c of ['run', 'create', 'list', 'status', 'stop', 'reap', 'breaker']) expect(t.out()).toMatch(new RegExp(`\\n  ${c}\\b`));
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['run', '-n', 'shop'], /required option '--target <selector>'/],
    [['run', '--target', 'app=web', '--count', '0'], /--count must be an integer >= 1/],
    [['run', '--target', 'app=web', '--every', 'often'], /--every must be a duration/],
    [['run', '--target', 'app=web', '--teardown-timeout', 'soon'], /--teardown-timeout must be a duration/],
    [['run', '--target', 'app=web', '--type', 'cpu-hog'], /--type must be pod-kill/],
    // The platform's spellings point to kubechaos's.
    [['run', '--type', 'pod_kill', '--name', 'x', '--duration', '30'], /--duration is spelled --for in kubechaos, with a unit: --for 30s/],
    [['create', '--yaml', 'exp.yaml'], /--yaml is spelled -f\/--filename in kubechaos/],
    [['create'], /required option '-f, --filename <file>' not specified/],
    [['run', '--target', 'app=web', '--name', 'bad_'], /--name must be at most 63 letters/],
    [['run', '--target', 'app=web', '--engine', 'chaos-mesh'], /Allowed choices are native, litmus/],
    [['list', '-o', 'xml'], /Allowed choices are table, json, yaml/],
    [['stop'], /name the runs to stop, or pass --all/],
    [['stop', 'kc-1', '--all'], /name the runs to stop, or pass --all/],
    [['list', '-n', 'a', '-A'], /-n\/--namespace and -A\/--all-namespaces are exclusive/],
    [['list', ...nowhere], /cannot load kubeconfig \/nonexistent\/kubeconfig/],
    [['run', '--target', 'app=web', '--probe-readiness', 'web'], /--probe-readiness expects Deployment\/NAME/],
    [['run', '--target', 'app=web', '--breaker-threshold', '0'], /--breaker-threshold must be an integer >= 1/],
    [['run', '--target', 'app=web', '--breaker-half-open-after', 'soon'], /--breaker-half-open-after must be a duration/],
    [['breaker', 'reset', ...nowhere], /name the breaker, or give its --target/],
    [['breaker', 'reset', 'kubechaos-breaker-0123456789ab', '--target', 'app=web', ...nowhere], /name the breaker, or give its --target/],
    [['breaker', 'reset', 'kubechaos-breaker-0123456789ab', '--exclude-names', 'a', ...nowhere], /--exclude-names and --exclude-selector go with --target/],
    [['breaker', 'reset', '--target', 'app=web', '-A', ...nowhere], /a breaker is reset in one namespace/],
    [['breaker', 'list', ...nowhere], /cannot load kubeconfig \/nonexistent\/kubeconfig/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const t = io();
    expect(await main(argv as string[], t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });

  it('create -f refuses a bad file before loading any kubeconfig, naming line and field', async () => {
    const t = io({ 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: app=web }\n  evry: 5s\n' });
    expect(await main(['create', '-f', 'exp.yaml', ...nowhere], t.io)).toBe(2);
    expect(t.err()).toBe(
      'error: exp.yaml:5:3: spec.evry: unknown field "evry" in spec (known fields: target, count, percent, every, for, gracePeriod, minAvailable, dryRun, safety, probes, expectRecovery, engine, steadyState, teardownTimeout)\nNothing was created.\n',
    );
    const missing = io();
    expect(await main(['create', '-f', 'nope.yaml'], missing.io)).toBe(2);
    expect(missing.err()).toMatch(/cannot read nope.yaml/);
  });

  it('--steady-state and spec.steadyState take available, off or a level in [0, 1], and refuse anything else', async () => {
    const bad = io();
    expect(await main(['run', '--target', 'app=web', '-n', 'shop', '--steady-state', 'ready', ...nowhere], bad.io)).toBe(2);
    expect(bad.err()).toContain("--steady-state must be 'available', 'off' or a health level in [0, 1]");
    const file = io({ 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nspec:\n  target: { selector: app=web }\n  steadyState: 1.5\n' });
    expect(await main(['create', '-f', 'exp.yaml', '-n', 'shop', ...nowhere], file.io)).toBe(2);
    expect(file.err()).toContain('exp.yaml:5:16: spec.steadyState: expected "available", "off" or a health level in [0, 1], got 1.5');
  });

  it("accepts the platform's --type pod_kill as pod-kill", async () => {
    const t = io();
    expect(await main(['run', '--type', 'pod_kill', '--name', 'nightly', '--target', 'app=web', ...nowhere], t.io)).toBe(2);
    expect(t.err()).toMatch(/cannot load kubeconfig/); // past the flags: pod_kill was read as pod-kill
  });

  it('create -f refuses a metadata.name that cannot be a run name, at its line', async () => {
    const t = io({ 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nmetadata:\n  name: nightly_\nspec:\n  target: { selector: app=web }\n' });
    expect(await main(['create', '-f', 'exp.yaml', ...nowhere], t.io)).toBe(2);
    expect(t.err()).toMatch(/^error: exp.yaml:4:9: metadata.name: expected a run name/);
  });

  it('create -f refuses a namespace that disagrees with -n', async () => {
    const t = io({ 'exp.yaml': 'apiVersion: kubechaos.dev/v1alpha1\nkind: PodKill\nmetadata: { namespace: shop }\nspec:\n  target: { selector: app=web }\n' });
    expect(await main(['create', '-f', 'exp.yaml', '-n', 'other', ...nowhere], t.io)).toBe(2);
    expect(t.err()).toMatch(/metadata.namespace \(shop\) does not match -n other/);
  });
});

// Issue 11, part 2: the isolate flags of `run`, refused before any kubeconfig is loaded.
describe('kubechaos run --type isolate (no cluster)', () => {
  it.each([
    [['run', '--type', 'isolate', '-n', 'shop'], /required option '--target <selector>' not specified \(the pods an isolate targets/],
    [['run', '--type', 'isolate', '--selector', 'app=web', '--direction', 'sideways'], /Allowed choices are ingress, egress, both/],
    [['run', '--target', 'app=web', '--direction', 'ingress'], /--direction is an option of --type isolate/],
    [['run', '--type', 'scale', '--workload', 'Deployment/web', '--to', '1', '--direction', 'egress'], /--direction is an option of --type isolate/],
    [['run', '--type', 'scale', '--workload', 'Deployment/web', '--to', '1', '--selector', 'app=web'], /--selector is an option of --type pod-kill and isolate/],
    [['run', '--type', 'isolate', '--selector', 'app=web', '--target', 'app=db'], /--selector is another spelling of --target/],
    [['run', '--type', 'isolate', '--selector', 'app=web', '--to', '1'], /--to is an option of --type scale/],
    [['run', '--type', 'isolate', '--selector', 'app=web=x'], /--selector/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const t = io();
    expect(await main(argv as string[], t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });
});
