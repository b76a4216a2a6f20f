// The test bed's NetworkPolicy compiler (test/cluster/network-policy.ts): which addresses and
// ports each policy admits, without nftables. The integration test checks the packets.
import { describe, expect, it } from 'vitest';
import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import {
  compileNetworkPolicies, enforceablePods, ipBlockElements, matchesSelector, renderNftables,
} from '../cluster/network-policy.ts';

const NODE = 'node-1';

function pod(namespace: string, name: string, ip: string, labels: Record<string, string>, extra: Partial<{ node: string; phase: string; port: number }> = {}): V1Pod {
  return {
    metadata: { namespace, name, labels },
    spec: { nodeName: extra.node ?? NODE, containers: [{ name: 'app', ports: [{ name: 'http', containerPort: extra.port ?? 8080 }] }] },
    status: { podIP: ip, phase: extra.phase ?? 'Running' },
  };
}

const pods = enforceablePods([
  pod('shop', 'web-1', '10.0.1.1', { app: 'web' }),
  pod('shop', 'web-2', '10.0.1.2', { app: 'web' }, { port: 9090 }),
  pod('shop', 'client', '10.0.1.3', { role: 'client' }),
  pod('guest', 'client', '10.0.2.1', { role: 'client' }),
  pod('shop', 'done', '10.0.1.9', { app: 'web' }, { phase: 'Succeeded' }),
  pod('shop', 'elsewhere', '10.0.3.1', { app: 'web' }, { node: 'kwok-node-0' }),
], NODE);
const namespaces = new Map<string, Record<string, string>>([['shop', { 'kubernetes.io/metadata.name': 'shop' }], ['guest', { 'kubernetes.io/metadata.name': 'guest', team: 'x' }]]);

const np = (name: string, spec: V1NetworkPolicy['spec'], namespace = 'shop'): V1NetworkPolicy => ({ metadata: { name, namespace }, spec });

describe('NetworkPolicy compiler', () => {
  it('enforces only running pods with an IP on the node', () => {
    expect(pods.map((p) => p.name)).toEqual(['web-1', 'web-2', 'client', 'client']);
  });

  it('matches label selectors with expressions', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
  });

  it('turns an ipBlock with exceptions into ranges', () => {
    expect(ipBlockElements('10.0.0.0/8', ['10.1.0.0/16'])).toEqual(['10.0.0.0-10.0.255.255', '10.2.0.0-10.255.255.255']);
    expect(ipBlockElements('192.168.1.7/32')).toEqual(['192.168.1.7']);
    expect(ipBlockElements('2001:db8::/64')).toEqual([]);
  });

  it('deny-all ingress: the selected pods are isolated, with no rule', () => {
    const c = compileNetworkPolicies([np('deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [] })], pods, namespaces);
    expect(c.ingressIsolated).toEqual(['10.0.1.1', '10.0.1.2']);
    expect(c.egressIsolated).toEqual([]);
    expect(c.policies[0]).toEqual({ id: 'shop/deny', selected: ['10.0.1.1', '10.0.1.2'], ingress: [] });
  });

  it('policyTypes default to Ingress, plus Egress when the policy has egress rules', () => {
    const c = compileNetworkPolicies([np('both', { podSelector: {}, egress: [{}] })], pods, namespaces);
    expect(c.ingressIsolated).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.3']);
    expect(c.egressIsolated).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.3']);
    expect(c.policies[0]!.egress).toEqual([{ peers: 'any', ports: 'any' }]);
  });

  it('peers: podSelector in the policy\'s namespace, namespaceSelector across namespaces, both together; `from` as a watch event spells it', () => {
    const c = compileNetworkPolicies([np('peers', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        { _from: [{ podSelector: { matchLabels: { role: 'client' } } }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] } as never,
        { _from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }, { ipBlock: { cidr: '192.0.2.0/24' } }] },
      ],
    })], pods, namespaces);
    expect(c.policies[0]!.ingress!.map((r) => r.peers)).toEqual([
      ['10.0.1.3'],
      ['10.0.2.1'],
      ['10.0.1.3', '10.0.2.1', '192.0.2.0-192.0.2.255'],
    ]);
  });

  it('ports: numbers, ranges, protocol only, and named ports resolved on each pod that serves them', () => {
    const c = compileNetworkPolicies([np('ports', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 80 as never }, { port: 9000 as never, endPort: 9010 }, { protocol: 'UDP' }, { port: 'http' as never }] }],
    })], pods, namespaces);
    expect(c.policies[0]!.ingress![0]).toEqual({
      peers: 'any',
      ports: [
        { protocol: 'tcp', from: 80, to: 80 },
        { protocol: 'tcp', from: 9000, to: 9010 },
        { protocol: 'udp' },
        { protocol: 'tcp', from: 8080, to: 8080, servers: ['10.0.1.1'] },
        { protocol: 'tcp', from: 9090, to: 9090, servers: ['10.0.1.2'] },
      ],
    });
  });

  it('renders one table, deterministic, with a set per policy and per rule\'s peers', () => {
    const policies = [
      np('deny-egress', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'], egress: [] }),
      np('allow', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ _from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 8080 as never }] }] }),
    ];
    const a = renderNftables('t', compileNetworkPolicies(policies, pods, namespaces));
    const b = renderNftables('t', compileNetworkPolicies([...policies].reverse(), pods, namespaces));
    expect(a).toBe(b);
    expect(a).toContain('type filter hook output priority filter; policy accept;');
    expect(a).toContain('set p0_selected { type ipv4_addr; comment "shop/allow"; elements = { 10.0.1.1, 10.0.1.2 }; }');
    expect(a).toContain('set p0_ingress0_peers { type ipv4_addr; flags interval; auto-merge; comment "shop/allow ingress[0]"; elements = { 10.0.1.3 }; }');
    expect(a).toContain('ct reply ip saddr @p0_selected ct original ip saddr @p0_ingress0_peers ct original protocol tcp ct direction original th dport 8080 return');
    expect(a).toContain('ct reply ip saddr @p0_selected ct original ip saddr @p0_ingress0_peers ct original protocol tcp ct direction reply th sport 8080 return');
    expect(a).toContain('set self { type ipv4_addr . ipv4_addr; comment "a pod to its own IP"; elements = { 10.0.1.3 . 10.0.1.3 }; }');
    expect(a.startsWith('table inet t {}\ndelete table inet t\n')).toBe(true);
  });
});
