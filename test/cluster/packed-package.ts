// The packed kubechaos package, as an image would hold it: `npm run build` when dist/ is older
// than src/, then `npm pack`, then the tarball extracted (package/). Its node_modules is the
// repository's (what `npm install --omit=dev` of the tarball would give, prom-client included).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface PackedPackage {
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** The extracted package (the tarball's `package/`). */
  readonly dir: string;
  /** Paths in the tarball, e.g. `package/dist/cli/kubechaos.js`. */
  readonly files: readonly string[];
  /** The packed CLI's bin. */
  readonly bin: string;
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

let packed: Promise<PackedPackage> | undefined;

/** Builds (if stale), packs and extracts the package once per process. */
export function packedPackage(): Promise<PackedPackage> {
  return (packed ??= (async () => {
    const bin = join(REPO, 'dist/cli/kubechaos.js');
    if (!existsSync(bin) || statSync(bin).mtimeMs < newest(join(REPO, 'src'))) {
      await run('npm', ['run', 'build', '--silent'], { cwd: REPO, maxBuffer: 64 << 20 });
    }
    const out = mkdtempSync(join(tmpdir(), 'kubechaos-image-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', out], { cwd: REPO, maxBuffer: 64 << 20 });
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = join(out, info!.filename);
    await run('tar', ['-xzf', tarball, '-C', out]);
    const dir = join(out, 'package');
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    return { tarball, dir, files: info!.files.map((f) => `package/${f.path}`), bin: join(dir, 'dist/cli/kubechaos.js') };
  })());
}
