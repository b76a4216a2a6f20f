// A control plane that cannot start says which component failed and why, and never hangs.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../cluster/controlplane.ts';
import { defaultBinDir } from '../cluster/binaries.ts';
import { ComponentStartError } from '../cluster/component.ts';

describe('control plane start failures', () => {
  it('names a missing binary', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kc-nobin-'));
    const error = await startControlPlane({ binDir: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentStartError);
    expect((error as Error).message).toMatch(/^etcd: binary not found or not executable at .*\/etcd; build it with scripts\/build-cluster.sh/);
    rmSync(empty, { recursive: true });
  });

  it('names a port in use, with the tail of the component\'s log', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startControlPlane({ ports: { etcd: port }, only: 'etcd' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComponentStartError);
      expect((error as ComponentStartError).component).toBe('etcd');
      expect((error as Error).message).toMatch(/etcd: exited early with code \d+/);
      expect((error as ComponentStartError).logTail).toMatch(/address already in use/);
    } finally {
      blocker.close();
    }
  });

  it('names a component that exits early, with the tail of its log', async () => {
    const error = await startControlPlane({ extraArgs: { 'kube-apiserver': ['--no-such-flag'] }, only: 'kube-apiserver' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentStartError);
    expect((error as ComponentStartError).component).toBe('kube-apiserver');
    expect((error as ComponentStartError).logTail).toMatch(/unknown flag: --no-such-flag/);
  });

  it('stops waiting for a component that never becomes ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-hang-'));
    // An "etcd" that starts and then serves nothing.
    writeFileSync(join(dir, 'etcd'), '#!/bin/sh\necho "pretending to be etcd"\nexec sleep 600\n');
    chmodSync(join(dir, 'etcd'), 0o755);
    const started = Date.now();
    const error = await startControlPlane({ binDir: dir, only: 'etcd', readyTimeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((error as Error).message).toMatch(/^etcd: not ready after 1500 ms/);
    expect((error as ComponentStartError).logTail).toContain('pretending to be etcd');
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the binaries the build script made', () => {
    expect(defaultBinDir()).toMatch(/k8s-1\.36\.3-etcd-3\.6\.16-kwok-0\.8\.0\/bin$/);
  });
});
