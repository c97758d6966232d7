// Table-driven semantics of evaluate(): each case names the rule of DESIGN.md "Semantics"
// or the upstream doc it encodes. K8s = kubernetes.io/docs/concepts/services-networking/network-policies/,
// NPAPI = network-policy-api.sigs.k8s.io (ClusterNetworkPolicy / AdminNetworkPolicy docs),
// Calico = docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../model/policy.ts';
import { ADMIN_TIER, BASELINE_TIER, DEFAULT_TIER } from '../model/tier.ts';
import type { Tier } from '../model/tier.ts';
import { compile, EngineError } from './compile.ts';
import { evaluate } from './evaluate.ts';
import type { Flow } from './flow.ts';
import {
  cidrPeer, cluster, entityPeer, flow, fqdnPeer, networkSet, node, nodesPeer, ns, nsSel, pod, podsPeer, policy, policySet, port, setsPeer,
} from './test-builders.ts';
import type { DirectionReason } from './verdict.ts';

const CLUSTER = cluster({
  namespaces: [ns('x', { team: 'x' }), ns('y', { team: 'y' }), ns('z', { team: 'z', env: 'prod' })],
  nodes: [node('n1', { role: 'worker' }, ['192.168.0.10']), node('n2', { role: 'control' }, ['192.168.0.11'])],
  networkSets: [networkSet('x/partners', { kind: 'partner' }, ['203.0.113.0/24']), networkSet('global-dns', { kind: 'dns' }, ['8.8.8.8/32'])],
  pods: [
    pod('x/a', { pod: 'a' }, ['10.0.0.1', 'fd00::1'], { ports: [{ name: 'serve-80', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    pod('x/b', { pod: 'b', env: 'prod' }, ['10.0.0.2']),
    pod('x/c', { pod: 'c', env: 'dev' }, ['10.0.0.3']),
    pod('y/a', { pod: 'a' }, ['10.0.1.1']),
    pod('y/b', { pod: 'b' }, ['10.0.1.2'], { ports: [{ name: 'serve-80', port: 8080, protocol: 'TCP' }] }),
    pod('z/v6', { pod: 'v6' }, ['fd00::6']),
    pod('x/h', { pod: 'h' }, ['192.168.0.10'], { hostNetwork: true, node: 'n1' }),
  ],
});

const denyAllIngress = (namespace: string): Policy => policy({ namespace, name: 'deny-all', ingress: [] });
const denyAllEgress = (namespace: string): Policy => policy({ namespace, name: 'deny-all-egress', egress: [] });
const CALICO_TIER: Tier = { name: 'security', order: 100, onNoMatch: 'deny-if-selected' };
const PASS_TIER: Tier = { name: 'platform', order: 200, onNoMatch: 'next' };
const cnp = (name: string, tier: string, order: number, spec: Omit<Parameters<typeof policy>[0], 'name'>): Policy =>
  policy({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', name, tier, order, ...spec });

interface Case {
  readonly name: string;
  readonly policies: readonly Policy[];
  readonly tiers?: readonly Tier[];
  readonly flow: Flow;
  readonly allowed: boolean;
  readonly egress?: DirectionReason;
  readonly ingress?: DirectionReason;
  readonly messages?: { readonly egress?: string; readonly ingress?: string };
  readonly note?: RegExp;
}

const cases: Case[] = [
  { name: 'K8s: no policy selects a pod → non-isolated, allowed', policies: [], flow: flow('x/a', 'y/b', 80), allowed: true, egress: 'not-selected', ingress: 'not-selected',
    messages: { ingress: 'no policy selects y/b for ingress: allowed', egress: 'no policy selects x/a for egress: allowed' } },
  { name: 'K8s "Default deny all ingress traffic": selected with no rules denies', policies: [denyAllIngress('x')], flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'tier-default', egress: 'not-selected',
    messages: { ingress: 'selected by NetworkPolicy x/deny-all; no ingress rule admits y/a on TCP/80' } },
  { name: 'K8s policyTypes: a policy with only egress does not isolate ingress', policies: [denyAllEgress('x')], flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'not-selected' },
  { name: 'K8s policyTypes: the same egress-only policy isolates egress', policies: [denyAllEgress('x')], flow: flow('x/a', 'y/a', 80), allowed: false, egress: 'tier-default' },
  { name: 'K8s: egress and ingress must both allow (egress denied at source)', policies: [denyAllEgress('y')], flow: flow('y/a', 'x/a', 80), allowed: false, egress: 'tier-default', ingress: 'not-selected' },
  { name: 'IR: peers null admits any peer', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: null }] })], flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'rule',
    messages: { ingress: 'allowed by NetworkPolicy x/p spec.ingress[0]' } },
  { name: 'IR: peers [] admits no peer (Cilium ingress [{}] style)', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [] }] })], flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'tier-default' },
  { name: 'K8s peers OR: second peer matches and is reported', policies: [policy({ namespace: 'x', name: 'allow-b', ingress: [{ peers: [podsPeer('z'), podsPeer('y', { pod: 'a' })], ports: [port('TCP', 80)] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'rule',
    messages: { ingress: 'allowed by NetworkPolicy x/allow-b spec.ingress[0] (peer spec.ingress[0].from[1], port spec.ingress[0].ports[0])' } },
  { name: 'K8s namespaceSelector AND podSelector in one peer', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer(nsSel({ team: 'y' }), { pod: 'b' })] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'K8s namespaceSelector {} selects pods of every namespace', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer(nsSel({}), { pod: 'a' })] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true },
  { name: 'K8s NotIn matches a pod without the label', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer('y', { op: 'notIn', key: 'env', values: ['prod'] })] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true },
  { name: 'K8s NotIn does not match a pod with a listed value', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer('x', { op: 'notIn', key: 'env', values: ['prod'] })] }] })],
    flow: flow('x/b', 'x/a', 80), allowed: false },
  { name: 'K8s DoesNotExist matches a pod without the key', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer('x', { op: 'notExists', key: 'env' })] }] })],
    flow: flow('x/c', 'x/a', 80), allowed: false },
  { name: 'K8s: port mismatch is not admitted', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ ports: [port('TCP', 443)] }] })], flow: flow('y/a', 'x/a', 80), allowed: false,
    messages: { ingress: 'selected by NetworkPolicy x/p; no ingress rule admits y/a on TCP/80' } },
  { name: 'K8s: protocol mismatch is not admitted (UDP rule, TCP flow)', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ ports: [port('UDP', 80)] }] })], flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'IR: port entry with protocol null matches every protocol', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ ports: [port(null, 80)] }] })], flow: flow('y/a', 'x/a', 80, 'SCTP'), allowed: true },
  { name: 'K8s endPort: range includes its end', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ ports: [port('TCP', 8000, 8080)] }] })], flow: flow('x/a', 'y/b', 8080), allowed: true },
  { name: 'K8s endPort: range excludes past its end', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ ports: [port('TCP', 8000, 8080)] }] })], flow: flow('x/a', 'y/b', 8081), allowed: false },
  // Named ports resolve per destination pod: x/a maps serve-80 to 80, y/b to 8080.
  { name: 'K8s named port: resolves on x/a to 80', policies: [policy({ name: 'named', kind: 'ClusterNetworkPolicy', tier: 'admin', order: 1, ingress: [{ ports: [port('TCP', 'serve-80')] }, { action: 'deny' }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true },
  { name: 'K8s named port: same name on y/b means 8080, so 80 is not admitted', policies: [policy({ name: 'named', kind: 'ClusterNetworkPolicy', tier: 'admin', order: 1, ingress: [{ ports: [port('TCP', 'serve-80')] }, { action: 'deny' }] })],
    flow: flow('x/a', 'y/b', 80), allowed: false, ingress: 'rule' },
  { name: 'K8s named port: y/b on 8080 is admitted', policies: [policy({ name: 'named', kind: 'ClusterNetworkPolicy', tier: 'admin', order: 1, ingress: [{ ports: [port('TCP', 'serve-80')] }, { action: 'deny' }] })],
    flow: flow('x/a', 'y/b', 8080), allowed: true },
  { name: 'K8s named port in egress resolves against the destination pod', policies: [policy({ namespace: 'x', name: 'e', egress: [{ ports: [port('TCP', 'serve-80')] }] })],
    flow: flow('x/c', 'y/b', 8080), allowed: true, egress: 'rule' },
  { name: 'K8s named port needs the protocol to match the container port', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ ports: [port('UDP', 'serve-80')] }] })],
    flow: flow('y/a', 'x/a', 80, 'UDP'), allowed: false },
  { name: 'K8s named port never matches a destination outside the cluster', policies: [policy({ namespace: 'x', name: 'e', egress: [{ ports: [port('TCP', 'serve-80')] }] })],
    flow: flow('x/c', '1.1.1.1', 80), allowed: false, ingress: 'not-a-pod' },
  { name: 'K8s ipBlock: CIDR matches pod IPs', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.1.0/24')] }] })], flow: flow('y/a', 'x/a', 80), allowed: true },
  { name: 'K8s ipBlock.except excludes an address', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/16', ['10.0.0.2/32'])] }] })], flow: flow('x/b', 'x/a', 80), allowed: false },
  { name: 'K8s ipBlock.except leaves the rest of the CIDR', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/16', ['10.0.0.2/32'])] }] })], flow: flow('x/c', 'x/a', 80), allowed: true },
  { name: 'IR matchesPods false (Cilium fromCIDR): a pod address does not match', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/8', [], false)] }] })], flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'IR matchesPods false: an outside address matches', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/8', [], false)] }] })], flow: flow('10.9.9.9', 'x/a', 80), allowed: true, egress: 'not-a-pod' },
  { name: 'IPv6: a v6-only pod matches a v6 CIDR', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('fd00::/64')] }] })], flow: flow('z/v6', 'x/a', 80), allowed: true },
  { name: 'IPv6: an IPv4 CIDR never matches a v6 flow (no cross-family match)', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('0.0.0.0/0')] }] })], flow: flow('z/v6', 'x/a', 80), allowed: false },
  { name: 'IPv6: a v4 flow from a dual-stack pod uses its v4 address', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [cidrPeer('fd00::/64')] }] })], flow: flow('x/a', 'y/a', 80), allowed: false },
  { name: 'IPv6: to a v6 address, the dual-stack pod uses its v6 address', policies: [policy({ namespace: 'x', name: 'e', egress: [{ peers: [cidrPeer('fd00::/64', [], false)] }] }), policy({ namespace: 'x', name: 'e2', egress: [] })],
    flow: flow('x/a', 'fd00::99', 80), allowed: true },
  { name: 'DESIGN: host-network pods are never selected', policies: [denyAllIngress('x')], flow: flow('y/a', 'x/h', 80), allowed: true, ingress: 'host-network' },
  { name: 'DESIGN: a pod peer never matches a host-network pod', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [podsPeer('x')] }] })], flow: flow('x/h', 'y/a', 80), allowed: false, egress: 'host-network' },
  { name: 'IR nodes peer: a host-network pod counts as its node', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [nodesPeer({ role: 'worker' })] }] })], flow: flow('x/h', 'y/a', 80), allowed: true },
  { name: 'IR nodes peer: a node address that does not match the selector', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [nodesPeer({ role: 'worker' })] }] })], flow: flow('192.168.0.11', 'y/a', 80), allowed: false },
  { name: 'Cilium entity host matches a node address', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [entityPeer('host')] }] })], flow: flow('192.168.0.11', 'y/a', 80), allowed: true },
  { name: 'Cilium entity world matches an outside address', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [entityPeer('world')] }] })], flow: flow('1.2.3.4', 'y/a', 80), allowed: true },
  { name: 'Cilium entity world does not match a pod', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [entityPeer('world')] }] })], flow: flow('x/a', 'y/a', 80), allowed: false },
  { name: 'Cilium entity cluster matches a pod, not the world', policies: [policy({ namespace: 'y', name: 'p', ingress: [{ peers: [entityPeer('cluster')] }] })], flow: flow('1.2.3.4', 'y/a', 80), allowed: false },
  { name: 'Calico namespaced NetworkSet peer', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [setsPeer({ kind: 'names', names: ['x'] }, { kind: 'partner' })] }] })], flow: flow('203.0.113.7', 'x/a', 80), allowed: true },
  { name: 'Calico GlobalNetworkSet peer (namespaces null)', policies: [policy({ namespace: 'x', name: 'p', egress: [{ peers: [setsPeer(null, { kind: 'dns' })] }] })], flow: flow('x/a', '8.8.8.8', 53, 'UDP'), allowed: true },
  { name: 'Calico: a namespaced set is not a global set', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ peers: [setsPeer(null, { kind: 'partner' })] }] })], flow: flow('203.0.113.7', 'x/a', 80), allowed: false },
  { name: 'Calico notNets: a matching notPeer vetoes the rule', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ notPeers: [cidrPeer('10.0.1.0/24')] }] })], flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'Calico notPorts: a matching notPort vetoes the rule', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ notPorts: [port('TCP', 80)] }] })], flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'Calico notPorts: other ports still match', policies: [policy({ namespace: 'x', name: 'p', ingress: [{ notPorts: [port('TCP', 80)] }] })], flow: flow('y/a', 'x/a', 81), allowed: true },
  { name: 'DESIGN loopback: a pod talking to itself is allowed under deny-all', policies: [denyAllIngress('x'), denyAllEgress('x')], flow: flow('x/a', 'x/a', 80), allowed: true, egress: 'loopback', ingress: 'loopback' },
  { name: 'an address of a pod is that pod (its policies apply)', policies: [denyAllIngress('x')], flow: flow('y/a', '10.0.0.1', 80), allowed: false, ingress: 'tier-default' },
  { name: 'staged policies are not enforced', policies: [policy({ namespace: 'x', name: 'deny-all', ingress: [], staged: true })], flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'not-selected' },
  // Tiers
  { name: 'NPAPI Admin Accept is final: beats a NetworkPolicy deny-all', policies: [cnp('allow-y', 'admin', 10, { ingress: [{ peers: [podsPeer(nsSel({ team: 'y' }))] }] }), denyAllIngress('x')],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'rule', messages: { ingress: 'allowed by ClusterNetworkPolicy allow-y spec.ingress[0] (tier admin, peer spec.ingress[0].from[0])' } },
  { name: 'NPAPI Admin Deny is final: beats a NetworkPolicy allow', policies: [cnp('deny-y', 'admin', 10, { ingress: [{ action: 'deny', peers: [podsPeer(nsSel({ team: 'y' }))] }] }), policy({ namespace: 'x', name: 'allow', ingress: [{}] })],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'rule' },
  { name: 'NPAPI Pass skips to the next tier (NetworkPolicy deny-all decides)', policies: [cnp('pass', 'admin', 10, { ingress: [{ action: 'pass' }, { action: 'allow' }] }), denyAllIngress('x')],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'tier-default' },
  { name: 'NPAPI Pass skips the rest of the admin tier, not the baseline', policies: [cnp('pass', 'admin', 10, { ingress: [{ action: 'pass' }] }), cnp('allow-later', 'admin', 20, { ingress: [{}] }), cnp('base-deny', 'baseline', 10, { ingress: [{ action: 'deny' }] })],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'rule' },
  { name: 'NPAPI admin tier with no match goes on (no default deny)', policies: [cnp('other', 'admin', 10, { ingress: [{ action: 'deny', peers: [podsPeer('z')] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'end-of-tiers' },
  { name: 'NPAPI Baseline applies only when nothing earlier decided', policies: [cnp('base-deny', 'baseline', 10, { ingress: [{ action: 'deny' }] })], flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'rule' },
  { name: 'NPAPI Baseline is overridden by a NetworkPolicy allow', policies: [cnp('base-deny', 'baseline', 10, { ingress: [{ action: 'deny' }] }), policy({ namespace: 'x', name: 'allow-y', ingress: [{ peers: [podsPeer('y')] }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'rule' },
  { name: 'NPAPI first match by priority: lower order wins', policies: [cnp('b', 'admin', 5, { ingress: [{ action: 'deny' }] }), cnp('a', 'admin', 6, { ingress: [{ action: 'allow' }] })],
    flow: flow('y/a', 'x/a', 80), allowed: false },
  { name: 'DESIGN equal priority: ties broken by policy id (a before b)', policies: [cnp('b-deny', 'admin', 5, { ingress: [{ action: 'deny' }] }), cnp('a-allow', 'admin', 5, { ingress: [{ action: 'allow' }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true },
  { name: 'NPAPI rules in sequence: first matching rule of a policy wins', policies: [cnp('p', 'admin', 5, { ingress: [{ action: 'deny', peers: [podsPeer('y', { pod: 'a' })] }, { action: 'allow' }] })],
    flow: flow('y/a', 'x/a', 80), allowed: false, messages: { ingress: 'denied by ClusterNetworkPolicy p spec.ingress[0] (tier admin, peer spec.ingress[0].from[0])' } },
  { name: 'Calico Log continues to the next rule', policies: [cnp('log', 'security', 1, { ingress: [{ action: 'log' }, { action: 'deny' }] })], tiers: [CALICO_TIER, DEFAULT_TIER],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'rule' },
  { name: 'Calico tier defaultAction Deny: selected, no match → denied', policies: [cnp('only-z', 'security', 1, { ingress: [{ peers: [podsPeer('z')] }] })], tiers: [CALICO_TIER, DEFAULT_TIER],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'tier-default' },
  { name: 'Calico tier: a non-isolating policy (Cilium default-deny off) does not trigger the tier default', policies: [cnp('only-z', 'security', 1, { isolates: false, ingress: [{ peers: [podsPeer('z')] }] })], tiers: [CALICO_TIER, DEFAULT_TIER],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'end-of-tiers' },
  { name: 'Calico tier defaultAction Pass: no match goes to the next tier', policies: [cnp('only-z', 'platform', 1, { ingress: [{ peers: [podsPeer('z')] }] })], tiers: [PASS_TIER, DEFAULT_TIER],
    flow: flow('y/a', 'x/a', 80), allowed: true, ingress: 'end-of-tiers' },
  { name: 'Calico tiers are walked by order, not by listing', policies: [cnp('allow', 'platform', 1, { ingress: [{}] }), cnp('deny', 'security', 1, { ingress: [{ action: 'deny' }] })], tiers: [PASS_TIER, CALICO_TIER, DEFAULT_TIER],
    flow: flow('y/a', 'x/a', 80), allowed: false, ingress: 'rule' },
  { name: 'Calico egress tiers judged at the source', policies: [cnp('deny-out', 'security', 1, { egress: [{ action: 'deny', peers: [entityPeer('world')] }, { action: 'allow' }] })], tiers: [CALICO_TIER, DEFAULT_TIER],
    flow: flow('x/a', '1.1.1.1', 443), allowed: false, egress: 'rule', ingress: 'not-a-pod' },
  // Notes
  { name: 'Cilium toFQDNs: never matches an IP flow; a note says DNS is needed', policies: [policy({ namespace: 'x', name: 'fqdn', egress: [{ peers: [fqdnPeer('*.example.com')] }] })],
    flow: flow('x/a', '93.184.216.34', 443), allowed: false, note: /FQDN rules need DNS/ },
  { name: 'Cilium L7 rules match at L3/L4 with a note', policies: [policy({ namespace: 'x', name: 'l7', ingress: [{ l7: { protocol: 'http', summary: 'GET /' } }] })],
    flow: flow('y/a', 'x/a', 80), allowed: true, note: /L7 rules \(http: GET \/\) that are not enforced/ },
];

for (const c of cases) {
  test(`evaluate: ${c.name}`, () => {
    const compiled = compile(CLUSTER, policySet(c.policies, c.tiers ?? [ADMIN_TIER, DEFAULT_TIER, BASELINE_TIER]));
    const v = evaluate(compiled, c.flow);
    assert.equal(v.allowed, c.allowed, `${v.egress.message} | ${v.ingress.message}`);
    assert.equal(v.allowed, v.egress.allowed && v.ingress.allowed);
    if (c.egress !== undefined) assert.equal(v.egress.reason, c.egress, v.egress.message);
    if (c.ingress !== undefined) assert.equal(v.ingress.reason, c.ingress, v.ingress.message);
    if (c.messages?.egress !== undefined) assert.equal(v.egress.message, c.messages.egress);
    if (c.messages?.ingress !== undefined) assert.equal(v.ingress.message, c.messages.ingress);
    if (c.note !== undefined) assert.ok(v.notes.some((n) => c.note?.test(n)), JSON.stringify(v.notes));
    else assert.deepEqual(v.notes, []);
  });
}

test('evaluate: trace lists tiers, selecting policies, log matches then the deciding rule', () => {
  const policies = [
    cnp('log', 'security', 1, { ingress: [{ action: 'log', name: 'audit' }] }),
    cnp('pass', 'security', 2, { ingress: [{ action: 'pass', peers: [podsPeer('y')] }] }),
    denyAllIngress('x'),
  ];
  const v = evaluate(compile(CLUSTER, policySet(policies, [CALICO_TIER, DEFAULT_TIER])), flow('y/a', 'x/a', 80));
  assert.equal(v.ingress.tiers.length, 2);
  const [sec, def] = v.ingress.tiers;
  assert.deepEqual(sec?.selectedBy.map((r) => r.name), ['log', 'pass']);
  assert.deepEqual(sec?.matches.map((m) => [m.action, m.rulePath, m.ruleName]), [['log', 'spec.ingress[0]', 'audit'], ['pass', 'spec.ingress[0]', undefined]]);
  assert.equal(sec?.outcome, 'pass');
  assert.equal(def?.outcome, 'no-match-deny');
  assert.equal(v.ingress.decidedBy, undefined);
  assert.equal(v.egress.tiers.every((t) => t.outcome === 'not-selected'), true);
});

test('evaluate: decidedBy names the policy, rule, peer and port', () => {
  const p = policy({ namespace: 'x', name: 'allow-b', ingress: [{ peers: [podsPeer('y')], ports: [port('TCP', 80)] }] });
  const v = evaluate(compile(CLUSTER, policySet([p])), flow('y/a', 'x/a', 80));
  assert.deepEqual(v.ingress.decidedBy, {
    tier: 'default', policyId: 'networking.k8s.io/v1/NetworkPolicy/x/allow-b', policy: p.ref, ruleIndex: 0, rulePath: 'spec.ingress[0]',
    action: 'allow', peerPath: 'spec.ingress[0].from[0]', portPath: 'spec.ingress[0].ports[0]',
  });
});

test('evaluate: end-of-tiers message says which tiers fell through', () => {
  const v = evaluate(compile(CLUSTER, policySet([cnp('pass', 'admin', 1, { ingress: [{ action: 'pass' }] })])), flow('y/a', 'x/a', 80));
  assert.equal(v.ingress.message, 'selected by ClusterNetworkPolicy pass but no tier decided ingress for y/a on TCP/80 (admin: pass): allowed');
});

test('evaluate: unknown pod in a flow is an EngineError', () => {
  const compiled = compile(CLUSTER, policySet([]));
  assert.throws(() => evaluate(compiled, flow('x/nope', 'x/a', 80)), (e) => e instanceof EngineError && /unknown pod x\/nope/.test(e.message));
  assert.throws(() => evaluate(compiled, flow('x/a', 'x/b', 70000)), EngineError);
  assert.throws(() => evaluate(compiled, flow('x/a', '999.1.1.1', 80)), EngineError);
});

test('compile: unknown tier, duplicate ids and bad CIDRs are aggregated in one EngineError', () => {
  const bad = [
    policy({ namespace: 'x', name: 'p', tier: 'nope', ingress: [] }),
    policy({ namespace: 'x', name: 'p', ingress: [{ peers: [cidrPeer('10.0.0.0/33')] }] }),
  ];
  assert.throws(() => compile(CLUSTER, policySet(bad)), (e) => e instanceof EngineError && e.problems.length === 3);
});

test('compile: selecting() lists enforced policies in evaluation order across tiers', () => {
  const policies = [denyAllIngress('x'), cnp('b', 'admin', 1, { ingress: [] }), cnp('a', 'admin', 1, { ingress: [] }), policy({ namespace: 'x', name: 's', ingress: [], staged: true })];
  const compiled = compile(CLUSTER, policySet(policies));
  assert.deepEqual(compiled.selecting('x/a', 'ingress').map((p) => p.ref.name), ['a', 'b', 'deny-all']);
  assert.deepEqual(compiled.selecting('x/a', 'egress'), []);
  assert.deepEqual(compiled.selecting('x/h', 'ingress'), []);
  assert.equal(compiled.podByIp('10.0.0.1')?.key, 'x/a');
  assert.equal(compiled.podByIp('192.168.0.10'), undefined);
});
