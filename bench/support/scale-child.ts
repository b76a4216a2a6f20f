// One process of the scale bench: `runs` pod-kill experiments at once, as a vitest worker running a
// suite in parallel would. Every HTTP request the process makes is counted (undici's diagnostics
// channel: pod lists, deletes, watches, Lease renewals, Events, everything), so "API calls per
// round" is the process's whole traffic divided by the rounds it ran.
// Usage: node scale-child.ts '{"namespace":"ns","selectors":["app=a",...],"every":"200ms","windowMs":5000,"stops":0}'
// Prints one JSON line: {rssMiB, maxRssMiB (whole life), maxRssAfterStartMiB, maxRssAfterWindowMiB, heapMiB, baseRssMiB, requests, byKind, kills, stopMs[]}.
import dc from 'node:diagnostics_channel';
import { readFileSync, writeSync } from 'node:fs';
// The built package, as a test suite loads it from node_modules (the bench builds dist/ first);
// src/ through type stripping would add ~40 MiB that no user's process has.
import { createChaos, leaseRegistry, loadKubeConfig, type ExperimentHandle } from '../../dist/index.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { namespace: string; selectors: string[]; every: string; windowMs: number; stops: number };
const out = (obj: object) => writeSync(1, `${JSON.stringify(obj)}\n`);
const mib = (b: number) => Number((b / 2 ** 20).toFixed(1));
/**
 * Peak RSS of this process image, in bytes: VmHWM, not getrusage's maxRSS. Linux carries maxRSS
 * across fork + exec, so a child spawned by a process of 400 MiB reports at least 400 MiB
 * (measured here: a Node child of a 445 MiB parent said 405 MiB). VmHWM belongs to the memory
 * map that exec made.
 */
const peakRss = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

let counting = false;
let requests = 0;
const byKind: Record<string, number> = {};
dc.subscribe('undici:request:create', (message) => {
  if (!counting) return;
  const { request } = message as { request: { method: string; path: string } };
  requests++;
  const path = request.path.split('?')[0]!;
  const kind = `${request.method} ${path.replace(/\/namespaces\/[^/]+/, '/namespaces/NS').replace(/\/(pods|leases|replicasets|deployments|events)\/[^/]+$/, '/$1/NAME')}${request.path.includes('watch=true') ? ' (watch)' : ''}`;
  byKind[kind] = (byKind[kind] ?? 0) + 1;
});

const kubeConfig = loadKubeConfig();
const chaos = createChaos({ kubeConfig, registry: leaseRegistry({ kubeConfig }), handleSignals: false, breaker: { threshold: 1_000_000 } });
const base = process.memoryUsage().rss;
let kills = 0;
const start = (selector: string): Promise<ExperimentHandle> =>
  chaos.podKill({ namespace: args.namespace, selector }).count(1).every(args.every as '200ms').for('10m').start();
const handles = await Promise.all(args.selectors.map(start));
const maxRssAfterStart = peakRss();
const killsOf = async (h: ExperimentHandle) => (await h.report()).kills.length;

// The measured window: every run killing, nothing starting or stopping.
await new Promise((r) => setTimeout(r, 1000));
let before = 0;
for (const h of handles) before += await killsOf(h);
counting = true;
await new Promise((r) => setTimeout(r, args.windowMs));
counting = false;
for (const h of handles) kills += await killsOf(h);
kills -= before;
const rss = process.memoryUsage().rss;
const heap = process.memoryUsage().heapUsed;
const maxRssAfterWindow = peakRss();

// Stops while every run is running: stop one at a random moment, then start a new run on its
// target, so the next stop again lands among `runs` live runs.
const stopMs: number[] = [];
for (let i = 0; i < args.stops; i++) {
  const k = Math.floor(Math.random() * handles.length);
  await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
  const t0 = performance.now();
  await handles[k]!.stop('bench');
  stopMs.push(performance.now() - t0);
  handles[k] = await start(args.selectors[k]!);
}
const maxRss = peakRss();
await Promise.all(handles.map((h) => h.stop('bench')));
out({ baseRssMiB: mib(base), rssMiB: mib(rss), maxRssMiB: mib(maxRss), maxRssAfterStartMiB: mib(maxRssAfterStart), maxRssAfterWindowMiB: mib(maxRssAfterWindow), heapMiB: mib(heap), requests, byKind, kills, windowMs: args.windowMs, stopMs });
process.exit(0);
