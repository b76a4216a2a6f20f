// The test bed's NetworkPolicy enforcement for the process node's pods, with nftables (like
// kube-proxy's Service rules): a small controller that watches NetworkPolicies, pods and
// namespaces, and rewrites one nftables table (`inet kubechaos-netpol`) in a single atomic
// transaction whenever what they say changes.
//
// Where: every pod IP is on the one `lo` of the test bed's network namespace, so every packet is
// locally generated and passes output, postrouting, prerouting and input (nft counters show each
// packet in all four). The chain hooks `output` at priority filter: after kube-proxy's DNAT
// (nat output, -100), before the reverse NAT of replies (postrouting/input), so a Service reply
// still carries the pod's port (8080), not the Service's (80).
//
// How traffic is attributed:
//   - a flow is judged by its connection (conntrack), not by the packet: client = the original
//     source (`ct original ip saddr`), server = the address that answers, after kube-proxy's
//     DNAT (`ct reply ip saddr`), port = the server's port. Both directions of a flow get the
//     same verdict, so replies of allowed flows pass, and a new policy also cuts connections
//     that were open before it (keep-alive connections included).
//   - from pod P: the source address is P's IP. A pod program gets it only by binding its
//     socket to POD_IP (the http-app's GET /fetch does); unbound, the kernel picks the
//     destination's own address (for a pod IP) or 127.0.0.2 (for a ClusterIP, kube-proxy.ts).
//   - from the node: source 127.0.0.1, the process node's InternalIP (readiness probes bind
//     to it). Always allowed both ways, as the NetworkPolicy API specifies for a pod's node.
//   - anything else is from outside the cluster: the test process itself, whose connections
//     to a pod IP carry that pod's own address as source, and to a ClusterIP 127.0.0.2. A rule
//     without peers (or an ipBlock holding the address) admits it; a podSelector rule does not,
//     unless it selects the destination pod itself (source = destination looks like the pod
//     talking to itself; for egress that is always allowed, the `self` set).
// Verdict: drop, as most CNIs do: a TCP connection attempt times out (the kernel retransmits its
// SYN); a UDP send fails at once with EPERM (a drop in output; on a real node it is lost silently).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CoreV1Api, KubeConfig, NetworkingV1Api, Watch,
  type KubernetesObject, type V1LabelSelector, type V1Namespace, type V1NetworkPolicy, type V1NetworkPolicyPeer,
  type V1NetworkPolicyPort, type V1Pod,
} from '@kubernetes/client-node';
import { http1Only } from '../../src/cluster/http1.ts';
import { PROCESS_NODE_NAME } from './process-node.ts';

export const NETPOL_TABLE = 'kubechaos-netpol';
/** The process node's address: traffic from and to it is never subject to a policy. */
export const NODE_ADDRESS = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// Compiling policies into nftables

type Protocol = 'tcp' | 'udp' | 'sctp';

interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: ReadonlyArray<{ readonly name?: string; readonly port: number; readonly protocol: Protocol }>;
}

/** One allowed (protocol, port range) of a rule; `servers` narrows it to those IPs (named ports). */
interface PortMatch {
  readonly protocol: Protocol;
  readonly from?: number;
  readonly to?: number;
  readonly servers?: readonly string[];
}

interface CompiledRule {
  /** Peer addresses (IPs, CIDRs, ranges) or 'any' (the rule names no peers). */
  readonly peers: 'any' | readonly string[];
  /** 'any': every protocol and port. */
  readonly ports: 'any' | readonly PortMatch[];
}

interface CompiledPolicy {
  readonly id: string; // namespace/name
  readonly selected: readonly string[];
  readonly ingress?: readonly CompiledRule[];
  readonly egress?: readonly CompiledRule[];
}

export interface CompiledNetworkPolicies {
  readonly policies: readonly CompiledPolicy[];
  readonly ingressIsolated: readonly string[];
  readonly egressIsolated: readonly string[];
}

export function matchesSelector(selector: V1LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(value!)) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(value!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const isIPv4Cidr = (cidr: string) => /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(cidr);

function cidrRange(cidr: string): [number, number] {
  const [ip, bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(ip!) / size) * size;
  return [start, start + size - 1];
}

/** An ipBlock as nft interval elements: the CIDR minus its exceptions (IPv4 only). */
export function ipBlockElements(cidr: string, except: readonly string[] = []): string[] {
  if (!isIPv4Cidr(cidr)) return [];
  let ranges = [cidrRange(cidr)];
  for (const ex of except.filter(isIPv4Cidr).map(cidrRange)) {
    ranges = ranges.flatMap(([a, b]) => {
      if (ex[1] < a || ex[0] > b) return [[a, b] as [number, number]];
      const out: [number, number][] = [];
      if (ex[0] > a) out.push([a, ex[0] - 1]);
      if (ex[1] < b) out.push([ex[1] + 1, b]);
      return out;
    });
  }
  return ranges.map(([a, b]) => (a === b ? intToIp(a) : `${intToIp(a)}-${intToIp(b)}`));
}

function podInfo(pod: V1Pod): PodInfo {
  return {
    namespace: pod.metadata!.namespace!,
    name: pod.metadata!.name!,
    ip: pod.status!.podIP!,
    labels: pod.metadata?.labels ?? {},
    ports: (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({
      name: p.name, port: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase() as Protocol,
    }))),
  };
}

/** Pods whose traffic the node enforces: on `nodeName`, with an IP, not finished. */
export function enforceablePods(pods: Iterable<V1Pod>, nodeName: string): PodInfo[] {
  const out: PodInfo[] = [];
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName || !pod.status?.podIP || pod.spec?.hostNetwork) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    out.push(podInfo(pod));
  }
  return out.sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip));
}

function peerPods(peer: V1NetworkPolicyPeer, policyNamespace: string, pods: readonly PodInfo[], namespaces: ReadonlyMap<string, Record<string, string>>): PodInfo[] {
  return pods.filter((p) => {
    const nsOk = peer.namespaceSelector
      ? matchesSelector(peer.namespaceSelector, namespaces.get(p.namespace) ?? { 'kubernetes.io/metadata.name': p.namespace })
      : p.namespace === policyNamespace;
    return nsOk && matchesSelector(peer.podSelector, p.labels);
  });
}

/**
 * The port matches of a rule. A named port is resolved on the pods that serve it: the selected
 * pods for ingress, the peer pods for egress (`candidates`).
 */
function compilePorts(ports: readonly V1NetworkPolicyPort[] | undefined, candidates: readonly PodInfo[]): 'any' | PortMatch[] {
  if (!ports || ports.length === 0) return 'any';
  const out: PortMatch[] = [];
  for (const p of ports) {
    const protocol = (p.protocol ?? 'TCP').toLowerCase() as Protocol;
    const port = p.port as number | string | undefined;
    if (port === undefined) out.push({ protocol });
    else if (typeof port === 'number' || /^\d+$/.test(port)) out.push({ protocol, from: Number(port), to: p.endPort ?? Number(port) });
    else {
      const byNumber = new Map<number, string[]>();
      for (const pod of candidates) {
        const named = pod.ports.find((cp) => cp.name === port && cp.protocol === protocol);
        if (named) byNumber.set(named.port, [...(byNumber.get(named.port) ?? []), pod.ip]);
      }
      for (const [n, servers] of byNumber) out.push({ protocol, from: n, to: n, servers });
    }
  }
  return out;
}

export function compileNetworkPolicies(
  policies: Iterable<V1NetworkPolicy>,
  pods: readonly PodInfo[],
  namespaces: ReadonlyMap<string, Record<string, string>>,
): CompiledNetworkPolicies {
  const compiled: CompiledPolicy[] = [];
  const ingressIsolated = new Set<string>();
  const egressIsolated = new Set<string>();
  const sorted = [...policies].sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`));
  for (const policy of sorted) {
    const ns = policy.metadata!.namespace!;
    const spec = policy.spec ?? {};
    const types = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
    const selectedPods = pods.filter((p) => p.namespace === ns && matchesSelector(spec.podSelector, p.labels));
    const selected = selectedPods.map((p) => p.ip);
    const rules = (list: ReadonlyArray<{ peers?: V1NetworkPolicyPeer[]; ports?: V1NetworkPolicyPort[] }>, direction: 'ingress' | 'egress'): CompiledRule[] =>
      list.map((rule) => {
        const peers = rule.peers ?? [];
        if (peers.length === 0) {
          // Any peer: named ports resolve on the selected pods (ingress) or on any local pod (egress).
          return { peers: 'any', ports: compilePorts(rule.ports, direction === 'ingress' ? selectedPods : pods) };
        }
        const peerPodList = peers.filter((p) => !p.ipBlock).flatMap((p) => peerPods(p, ns, pods, namespaces));
        const addresses = [
          ...peerPodList.map((p) => p.ip),
          ...peers.flatMap((p) => (p.ipBlock ? ipBlockElements(p.ipBlock.cidr, p.ipBlock.except) : [])),
        ];
        return { peers: [...new Set(addresses)], ports: compilePorts(rule.ports, direction === 'ingress' ? selectedPods : peerPodList) };
      });
    const entry: { -readonly [K in keyof CompiledPolicy]: CompiledPolicy[K] } = { id: `${ns}/${policy.metadata!.name}`, selected };
    if (types.includes('Ingress')) {
      // `_from` in objects client-node deserialized (lists), `from` in raw watch events.
      entry.ingress = rules((spec.ingress ?? []).map((r) => ({ peers: r._from ?? (r as { from?: V1NetworkPolicyPeer[] }).from, ports: r.ports })), 'ingress');
      for (const ip of selected) ingressIsolated.add(ip);
    }
    if (types.includes('Egress')) {
      entry.egress = rules((spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })), 'egress');
      for (const ip of selected) egressIsolated.add(ip);
    }
    compiled.push(entry);
  }
  const byIp = (a: string, b: string) => ipToInt(a) - ipToInt(b);
  return { policies: compiled, ingressIsolated: [...ingressIsolated].sort(byIp), egressIsolated: [...egressIsolated].sort(byIp) };
}

const elements = (items: readonly string[]) => (items.length > 0 ? ` elements = { ${items.join(', ')} };` : '');
const quote = (s: string) => `"${s.replace(/["\\]/g, '')}"`;

/** The port part of a rule, once per direction (the server's port is the destination of the original direction, the source of replies). */
function portClauses(m: PortMatch): string[] {
  if (m.from === undefined) return [`ct original protocol ${m.protocol}`];
  const range = m.from === m.to ? `${m.from}` : `${m.from}-${m.to}`;
  return [
    `ct original protocol ${m.protocol} ct direction original th dport ${range}`,
    `ct original protocol ${m.protocol} ct direction reply th sport ${range}`,
  ];
}

/**
 * The whole table as one nft script: deletes the previous table and writes the new one in the
 * same transaction, so a packet sees either the old rules or the new ones.
 */
export function renderNftables(table: string, c: CompiledNetworkPolicies): string {
  const sets: string[] = [
    `  set ingress_isolated { type ipv4_addr; comment "pods selected by a policy with policyTypes Ingress";${elements(c.ingressIsolated)} }`,
    `  set egress_isolated { type ipv4_addr; comment "pods selected by a policy with policyTypes Egress";${elements(c.egressIsolated)} }`,
    `  set self { type ipv4_addr . ipv4_addr; comment "a pod to its own IP";${elements(c.egressIsolated.map((ip) => `${ip} . ${ip}`))} }`,
  ];
  const ingress: string[] = [];
  const egress: string[] = [];
  c.policies.forEach((p, i) => {
    sets.push(`  set p${i}_selected { type ipv4_addr; comment ${quote(p.id)};${elements(p.selected)} }`);
    for (const [direction, rules, out] of [['ingress', p.ingress, ingress], ['egress', p.egress, egress]] as const) {
      (rules ?? []).forEach((rule, r) => {
        // ingress: the selected pod is the server, the peer the client; egress: the other way round.
        const [self, peer] = direction === 'ingress' ? ['ct reply ip saddr', 'ct original ip saddr'] : ['ct original ip saddr', 'ct reply ip saddr'];
        let peerMatch = '';
        if (rule.peers !== 'any') {
          const name = `p${i}_${direction}${r}_peers`;
          sets.push(`  set ${name} { type ipv4_addr; flags interval; auto-merge; comment ${quote(`${p.id} ${direction}[${r}]`)};${elements(rule.peers)} }`);
          peerMatch = ` ${peer} @${name}`;
        }
        const comment = ` comment ${quote(`${p.id} ${direction}[${r}]`)}`;
        if (rule.ports === 'any') {
          out.push(`    ${self} @p${i}_selected${peerMatch} return${comment}`);
          return;
        }
        for (const m of rule.ports) {
          // A named port narrows the servers: the selected pods (ingress) or the peers (egress) that have it.
          const servers = m.servers ? `ct reply ip saddr { ${m.servers.join(', ')} }` : '';
          const selfMatch = direction === 'ingress' ? (servers || `${self} @p${i}_selected`) : `${self} @p${i}_selected`;
          const extra = direction === 'egress' && servers ? ` ${servers}` : '';
          for (const ports of portClauses(m)) out.push(`    ${selfMatch}${peerMatch}${extra} ${ports} return${comment}`);
        }
      });
    }
  });
  return `table inet ${table} {}
delete table inet ${table}
table inet ${table} {
${sets.join('\n')}
  chain output {
    type filter hook output priority filter; policy accept;
    ct state related accept
    ct reply ip saddr @ingress_isolated jump ingress
    ct original ip saddr @egress_isolated jump egress
  }
  chain ingress {
    ct original ip saddr ${NODE_ADDRESS} return comment "from the node"
${ingress.join('\n')}
    counter drop comment "no ingress rule allows it"
  }
  chain egress {
    ct reply ip saddr ${NODE_ADDRESS} return comment "to the node"
    ct original ip saddr . ct reply ip saddr @self return
${egress.join('\n')}
    counter drop comment "no egress rule allows it"
  }
}
`;
}

// ---------------------------------------------------------------------------------------------
// nft

export function runNft(script: string, args: readonly string[] = ['-f', '-']): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`nft ${args.join(' ')} exited ${code}: ${err.trim()}`))));
    child.stdin.end(script);
  });
}

// ---------------------------------------------------------------------------------------------
// Watching: list, then watch from the list's resourceVersion; when the watch ends for any reason
// (an API server restart, a timeout, a 410), list again. While the API server is away the table
// keeps the last rules it had.

interface MirrorSpec<T> {
  readonly what: string;
  readonly watch: Watch;
  readonly path: string;
  readonly list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  readonly onChange: () => void;
  readonly log: (line: string) => void;
  readonly query?: Record<string, string>;
}

class Mirror<T extends KubernetesObject> {
  readonly items = new Map<string, T>();
  private readonly spec: MirrorSpec<T>;
  private abort: AbortController | undefined;
  private stopped = false;
  /** Completed lists (1 after the start; more after every watch that ended). */
  lists = 0;

  constructor(spec: MirrorSpec<T>) {
    this.spec = spec;
  }

  private key(o: T): string {
    return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  }

  /** Runs until stop(); resolves once the first list is in. */
  start(): Promise<void> {
    let first!: () => void;
    const listed = new Promise<void>((resolve) => (first = resolve));
    void (async () => {
      const { what, watch, path, list: listFn, onChange, log, query = {} } = this.spec;
      let delay = 200;
      let resourceVersion: string | undefined;
      while (!this.stopped) {
        try {
          if (resourceVersion === undefined) {
            const list = await withTimeout(listFn(), 10_000, `list ${what}`);
            if (this.stopped) return;
            this.items.clear();
            for (const o of list.items) this.items.set(this.key(o), o);
            resourceVersion = list.metadata?.resourceVersion ?? '';
            this.lists++;
            onChange();
            first();
          }
          delay = 200;
          const ended = await new Promise<unknown>((resolve) => {
            void watch.watch(path, { ...query, resourceVersion, allowWatchBookmarks: true }, (phase, obj: T) => {
              resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
              if (phase === 'ADDED' || phase === 'MODIFIED') this.items.set(this.key(obj), obj);
              else if (phase === 'DELETED') this.items.delete(this.key(obj));
              else if (phase === 'ERROR') resourceVersion = undefined; // e.g. 410 Gone: list again
              else return;
              onChange();
            }, resolve).then((abort) => {
              this.abort = abort;
              if (this.stopped) abort.abort();
            }, resolve);
          });
          if (this.stopped) return;
          // client-node ends a quiet watch after a while (TimeoutError): resume from the last
          // resourceVersion. Anything else (an API server restart, a 410) lists again.
          if ((ended as Error | null)?.name !== 'TimeoutError') {
            if (ended) log(`network policies: ${what} watch ended (${String(ended)}); listing again`);
            resourceVersion = undefined;
            await sleep(100);
          }
        } catch (error) {
          if (!this.stopped) log(`network policies: ${String(error)}`);
          await sleep(delay);
          delay = Math.min(delay * 2, 2_000);
        }
      }
    })();
    return listed;
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The controller

export interface NetworkPolicyControllerOptions {
  readonly kubeconfig: string;
  /** The node whose pods are enforced (the process node). */
  readonly nodeName?: string;
  /** nftables table (family inet). Two controllers in one network namespace need two names. */
  readonly table?: string;
  readonly log?: (line: string) => void;
}

export interface NetworkPolicyController {
  readonly table: string;
  /** Resolves once the table reflects everything the watches have delivered so far. */
  synced(): Promise<void>;
  /** What the table enforces now (the last script nft accepted). */
  applied(): string | undefined;
  /** Stops watching and deletes the table. */
  stop(): Promise<void>;
}

export async function startNetworkPolicyController(options: NetworkPolicyControllerOptions): Promise<NetworkPolicyController> {
  const loaded = new KubeConfig();
  loaded.loadFromFile(options.kubeconfig);
  const kc = http1Only(loaded);
  const core = kc.makeApiClient(CoreV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const watch = new Watch(kc);
  const table = options.table ?? NETPOL_TABLE;
  const nodeName = options.nodeName ?? PROCESS_NODE_NAME;
  const log = options.log ?? (() => {});

  let applied: string | undefined;
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  let ready = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const sync = async () => {
    if (stopped || !ready) return;
    const namespaceLabels = new Map([...namespaces.items.values()].map((n) => [n.metadata!.name!, n.metadata?.labels ?? {}]));
    const compiled = compileNetworkPolicies(policies.items.values(), enforceablePods(pods.items.values(), nodeName), namespaceLabels);
    const script = renderNftables(table, compiled);
    if (script === applied) return;
    try {
      await runNft(script);
      applied = script;
    } catch (error) {
      log(`network policies: ${String(error)}`);
      clearTimeout(retry);
      retry = setTimeout(schedule, 1_000);
    }
  };
  // Changes that arrive together (a list, a burst of watch events) are applied once.
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      chain = chain.then(sync);
    });
  }

  const onNode = `spec.nodeName=${nodeName}`;
  const policies = new Mirror<V1NetworkPolicy>({
    what: 'networkpolicies', watch, path: '/apis/networking.k8s.io/v1/networkpolicies',
    list: () => networking.listNetworkPolicyForAllNamespaces(), onChange: schedule, log,
  });
  const pods = new Mirror<V1Pod>({
    what: 'pods', watch, path: '/api/v1/pods', query: { fieldSelector: onNode },
    list: () => core.listPodForAllNamespaces({ fieldSelector: onNode }), onChange: schedule, log,
  });
  const namespaces = new Mirror<V1Namespace>({
    what: 'namespaces', watch, path: '/api/v1/namespaces', list: () => core.listNamespace(), onChange: schedule, log,
  });
  const mirrors = [policies, pods, namespaces];

  await runNft(renderNftables(table, { policies: [], ingressIsolated: [], egressIsolated: [] }));
  try {
    await withTimeout(Promise.all(mirrors.map((m) => m.start())), 30_000, 'the first list of network policies, pods and namespaces');
  } catch (error) {
    for (const m of mirrors) m.stop();
    await runNft(`table inet ${table} {}\ndelete table inet ${table}\n`).catch(() => {});
    throw error;
  }
  ready = true;
  schedule();
  await new Promise((resolve) => setImmediate(resolve));
  await chain;

  return {
    table,
    synced: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await chain;
    },
    applied: () => applied,
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      for (const m of mirrors) m.stop();
      await chain;
      await runNft(`table inet ${table} {}\ndelete table inet ${table}\n`);
    },
  };
}
