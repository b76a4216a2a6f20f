// The SVG health timeline of a real run renders: headless chromium takes a screenshot of it, and
// the PNG has the health line, threshold and abort marker colours in it. With
// KUBECHAOS_UPDATE_DOCS=1 the screenshot is copied to docs/timeline.png (shown in the README).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deployHttpApp, loadKubeConfig } from '../cluster/fixtures.ts';
import { createChaos, probes, toSvgTimeline, type Report } from '../../src/index.ts';
import { sleep } from './support/snapshot.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
let kc: KubeConfig;
let namespace: string;

beforeAll(async () => {
  kc = loadKubeConfig();
  namespace = await createTestNamespace(kc, 'shot');
  await deployHttpApp(kc, { namespace, name: 'web', replicas: 3 });
});

describe('SVG health timeline', () => {
  it('renders in headless chromium', async (ctx) => {
    if (!CHROMIUM && process.env.CI) throw new Error('CI: chromium is missing; .ci/run must install Debian\'s chromium');
    if (!CHROMIUM) ctx.skip('chromium is not installed (Debian: apt-get install chromium); the SVG render check needs it');

    // A real run: kills every 1.5 s under the readiness and http probes, then the app degrades and safety aborts it.
    let degraded = 1;
    const report: Report = await createChaos({ kubeConfig: kc })
      .podKill({ namespace, selector: { app: 'web' } })
      .every('1500ms')
      .for('60s')
      .gracePeriod(1)
      .withSafety(0.6)
      .probe(probes.readiness({ kind: 'Deployment', name: 'web' }))
      .probe(probes.http(`http://web.${namespace}/health`, { window: '3s' }))
      .probe(probes.custom(() => degraded, { name: 'checkout', interval: '100ms' }))
      .onAbort('report')
      .during(async ({ signal }) => {
        await sleep(7000);
        degraded = 0.75;
        await sleep(1000);
        degraded = 0.4;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      });
    expect(report.outcome).toBe('aborted');
    expect(report.kills.length).toBeGreaterThanOrEqual(4);

    const dir = mkdtempSync(join(tmpdir(), 'kubechaos-shot-'));
    const svgPath = join(dir, 'timeline.svg');
    const pngPath = join(dir, 'timeline.png');
    writeFileSync(svgPath, toSvgTimeline(report, { width: 800, height: 300, title: `pod-kill ${namespace}/app=web: aborted when checkout degraded` }));
    await new Promise<void>((resolve, reject) =>
      execFile(
        CHROMIUM!,
        [
          '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${join(dir, 'profile')}`,
          `--screenshot=${pngPath}`, '--window-size=800,300', pathToFileURL(svgPath).href,
        ],
        { timeout: 90_000 },
        (error, _stdout, stderr) => (error && !existsSync(pngPath) ? reject(new Error(`chromium failed: ${error.message}\n${stderr}`)) : resolve()),
      ),
    );

    const png = decodePng(readFileSync(pngPath));
    expect([png.width, png.height]).toEqual([800, 300]);
    const colours = png.colours();
    expect(colours.size).toBeGreaterThan(20); // not a blank page
    const near = (hex: string) => [...colours.keys()].some((c) => distance(c, hex) < 40);
    expect(near('#1f6feb'), 'health line (blue) drawn').toBe(true);
    expect(near('#d1242f'), 'threshold and abort marker (red) drawn').toBe(true);
    expect(near('#fff8c5'), 'fault window (yellow) drawn').toBe(true);
    if (process.env.KUBECHAOS_UPDATE_DOCS === '1') {
      copyFileSync(pngPath, fileURLToPath(new URL('../../docs/timeline.png', import.meta.url)));
      writeFileSync(fileURLToPath(new URL('../../docs/timeline.svg', import.meta.url)), readFileSync(svgPath));
    }
  }, 180_000);
});

/** A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced), enough to look at the pixels. */
function decodePng(buf: Buffer): { width: number; height: number; colours: () => Map<string, number> } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0, height = 0, bpp = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      bpp = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(bpp, `colour type ${data[9]}`).toBeGreaterThan(0);
      expect(data[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  return {
    width,
    height,
    colours: () => {
      const raw = inflateSync(Buffer.concat(idat));
      const stride = width * bpp;
      const prev = Buffer.alloc(stride);
      const cur = Buffer.alloc(stride);
      const counts = new Map<string, number>();
      for (let y = 0; y < height; y++) {
        const filter = raw[y * (stride + 1)]!;
        const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? cur[x - bpp]! : 0, b = prev[x]!, c = x >= bpp ? prev[x - bpp]! : 0;
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter]!;
          cur[x] = (line[x]! + pred) & 0xff;
        }
        for (let x = 0; x < width; x++) {
          const key = `#${cur.subarray(x * bpp, x * bpp + 3).toString('hex')}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        cur.copy(prev);
      }
      return counts;
    },
  };
}

function distance(a: string, b: string): number {
  const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [rgb(a), rgb(b)];
  return Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!, x[2]! - y[2]!);
}
