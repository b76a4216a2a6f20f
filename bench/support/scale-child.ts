// One process of the scale bench: `runs` pod-kill experiments at once, as a vitest worker running a
// suite in parallel would. Every HTTP request the process makes is counted (undici's diagnostics
// channel: pod lists, deletes, watches, Lease renewals, Events, everything), so "API calls per
// round" is the process's whole traffic divided by the rounds it ran.
// Run as plain JavaScript (scale.bench.ts strips its types with esbuild into scale-child.build.mjs).
// Usage: node scale-child.build.mjs '{"namespace":"ns","selectors":["app=a",...],"every":"200ms","windowMs":5000,"stops":0}'
// Prints one JSON line: {rssMiB, maxRssMiB (whole life), maxRssAfterStartMiB, maxRssAfterWindowMiB, heapMiB, baseRssMiB, requests, byKind, kills, stopMs[]}.
import dc from 'node:diagnostics_channel';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
// The built package, as a test suite loads it from node_modules (the bench builds dist/ first);
// src/ through type stripping would add ~40 MiB that no user's process has.
// (Named by a variable: the types come from src/, and dist/ need not exist when the project is
// type-checked.)
import type { ExperimentHandle } from '../../src/index.ts';
const distIndex = '../../dist/index.js';
const { createChaos } = (await import(distIndex)) as typeof import('../../src/index.ts');

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
const kindOf = (request: { method: string; path: string }): string =>
  `${request.method} ${request.path.split('?')[0]!.replace(/\/namespaces\/[^/]+/, '/namespaces/NS').replace(/\/(pods|leases|replicasets|deployments|events)\/[^/]+$/, '/$1/NAME')}${request.path.includes('watch=true') ? ' (watch)' : ''}`;
// The SDK's requests: over node:http(s) (a plain kubeconfig, the default since issue 14) or
// undici (client-node, KUBECHAOS_CLIENT_NODE=1): both counted.
const onStart = (message: unknown): void => {
  const { request } = message as { request: { method: string; path: string } };
  if (tracing) trace.set(request, { kind: kindOf(request), start: performance.now(), end: NaN });
  if (!counting) return;
  requests++;
  const kind = kindOf(request);
  byKind[kind] = (byKind[kind] ?? 0) + 1;
};
dc.subscribe('undici:request:create', onStart);
dc.subscribe('http.client.request.start', onStart);
// KUBECHAOS_STOP_TRACE=1: each stop's requests (started during it) on stderr, with their times.
const tracing = process.env.KUBECHAOS_STOP_TRACE === '1';
const trace = new Map<object, { kind: string; start: number; end: number }>();
for (const channel of ['undici:request:headers', 'undici:request:error', 'http.client.response.finish', 'http.client.request.error']) {
  dc.subscribe(channel, (message) => {
    const t = trace.get((message as { request: object }).request);
    if (t && Number.isNaN(t.end)) t.end = performance.now();
  });
}

// KUBECHAOS_BYTES=1: response bytes per request kind over the stops phase, on stderr (node:https only).
const bytesByKind: Record<string, { n: number; bytes: number }> = {};
let countingBytes = false;
if (process.env.KUBECHAOS_BYTES === '1') {
  const https = process.getBuiltinModule('node:https') as typeof import('node:https');
  const original = https.request;
  (https as { request: unknown }).request = (...a: unknown[]) => {
    const req = (original as (...x: unknown[]) => import('node:http').ClientRequest)(...a);
    req.on('response', (res) => {
      const kind = kindOf({ method: req.method, path: req.path });
      // Observed through emit: a 'data' listener would start the stream before the SDK reads it.
      const emit = res.emit.bind(res);
      res.emit = ((event: string, ...rest: unknown[]) => {
        if (countingBytes && event === 'data') (bytesByKind[kind] ??= { n: 0, bytes: 0 }).bytes += (rest[0] as Buffer).length;
        if (countingBytes && event === 'end') (bytesByKind[kind] ??= { n: 0, bytes: 0 }).n++;
        return emit(event, ...rest);
      }) as typeof res.emit;
    });
    return req;
  };
}
// The defaults a test suite gets from createChaos(): the kubeconfig KUBECONFIG names, the Lease registry.
const chaos = createChaos({ handleSignals: false, breaker: { threshold: 1_000_000 } });
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
// KUBECHAOS_HEAP_SNAPSHOT=<file>: the heap with every run live, for a profile.
if (process.env.KUBECHAOS_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.KUBECHAOS_HEAP_SNAPSHOT);

// Stops while every run is running: stop one at a random moment, then start a new run on its
// target, so the next stop again lands among `runs` live runs.
const stopMs: number[] = [];
// KUBECHAOS_ALLOC_PROFILE=<file>: every allocation of the stops phase sampled (garbage included), for a profile.
const allocProfile = process.env.KUBECHAOS_ALLOC_PROFILE;
const inspector = allocProfile ? new (await import('node:inspector/promises')).Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
countingBytes = true;
for (let i = 0; i < args.stops; i++) {
  const k = Math.floor(Math.random() * handles.length);
  await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
  trace.clear();
  const t0 = performance.now();
  await handles[k]!.stop('bench');
  stopMs.push(performance.now() - t0);
  if (tracing) {
    const lines = [...trace.values()].filter((t) => t.start >= t0).map((t) => `  +${(t.start - t0).toFixed(0)} ${(t.end - t.start).toFixed(0)} ms ${t.kind}`);
    process.stderr.write(`stop ${i}: ${(performance.now() - t0).toFixed(0)} ms\n${lines.join('\n')}\n`);
  }
  handles[k] = await start(args.selectors[k]!);
}
const maxRss = peakRss();
countingBytes = false;
if (process.env.KUBECHAOS_BYTES === '1') process.stderr.write(`bytes: ${JSON.stringify(Object.entries(bytesByKind).sort((a, b) => b[1].bytes - a[1].bytes))}\n`);
if (inspector && allocProfile) {
  const { profile } = await inspector.post('HeapProfiler.stopSampling');
  writeFileSync(allocProfile, JSON.stringify(profile));
}
if (process.env.KUBECHAOS_GC_REPORT === '1') {
  const before = process.memoryUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  process.stderr.write(`after stops: rss ${mib(before.rss)} heapUsed ${mib(before.heapUsed)} heapTotal ${mib(before.heapTotal)} external ${mib(before.external)} arrayBuffers ${mib(before.arrayBuffers)}; after gc: rss ${mib(after.rss)} heapUsed ${mib(after.heapUsed)} heapTotal ${mib(after.heapTotal)}\n`);
  if (process.env.KUBECHAOS_HEAP_SNAPSHOT_END) (await import('node:v8')).writeHeapSnapshot(process.env.KUBECHAOS_HEAP_SNAPSHOT_END);
}
await Promise.all(handles.map((h) => h.stop('bench')));
out({ baseRssMiB: mib(base), rssMiB: mib(rss), maxRssMiB: mib(maxRss), maxRssAfterStartMiB: mib(maxRssAfterStart), maxRssAfterWindowMiB: mib(maxRssAfterWindow), heapMiB: mib(heap), requests, byKind, kills, windowMs: args.windowMs, stopMs });
process.exit(0);
