// CIDR peers and cluster nodes, through evaluate(): a Cilium CIDR (matchesNodes false)
// never selects a node address or a host-network pod, whose traffic carries the reserved
// identity host/remote-node; with the agent's policy-cidr-match-mode=nodes it does; a
// Kubernetes ipBlock (matchesNodes absent) does. Addresses of nodes missing from the
// snapshot are outside addresses (world) and match. Each case cites its source:
// CIL = docs.cilium.io/en/stable/security/policy/language/, K8S =
// kubernetes.io/docs/concepts/services-networking/network-policies/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer } from '../model/peer.ts';
import type { Policy } from '../model/policy.ts';
import { compile } from './compile.ts';
import { evaluate } from './evaluate.ts';
import type { Flow } from './flow.ts';
import { cidrPeer, cluster, flow, node, ns, pod, policy, policySet } from './test-builders.ts';

const CIL = 'https://docs.cilium.io/en/stable/security/policy/language/';
const CIL_CIDR = `${CIL}#ip-cidr-based ("CIDR rules do not apply to traffic where both sides of the connection are either managed by Cilium or use an IP belonging to a node in the cluster (including host networking pods)")`;
const CIL_NODES = `${CIL}#selecting-nodes-with-cidr-ipblock ("--policy-cidr-match-mode=nodes")`;
const NODE_LABELS = 'cilium/cilium pkg/node/manager/manager_test.go TestNodeCIDRLabels';
const K8S = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

// x/a runs on n1; n2 is another node with a host-network pod; y/agent is a host-network
// pod on a node the snapshot does not list (its address is still a node's).
const CLUSTER = cluster({
  namespaces: [ns('x'), ns('y')],
  nodes: [node('n1', {}, ['192.168.0.10', 'fd00:1::10']), node('n2', {}, ['192.168.0.11', 'fd00:1::11'])],
  pods: [
    pod('x/a', { app: 'a' }, ['10.0.0.1', 'fd00::1'], { node: 'n1' }),
    pod('x/b', { app: 'b' }, ['10.0.0.2'], { node: 'n1' }),
    pod('x/h', { app: 'h' }, ['192.168.0.11', 'fd00:1::11'], { node: 'n2', hostNetwork: true }),
    pod('y/agent', {}, ['192.168.0.12'], { node: 'n9', hostNetwork: true }),
  ],
});

/** Cilium toCIDR/toCIDRSet as the reader makes it; `nodes`: the agent runs with policy-cidr-match-mode=nodes. */
const cilium = (cidr: string, except: readonly string[] = [], nodes = false): Peer => cidrPeer(cidr, except, false, nodes);
const ipBlock = (cidr: string, except: readonly string[] = []): Peer => cidrPeer(cidr, except);
const egressOfA = (peers: readonly Peer[]): Policy => policy({ namespace: 'x', name: 'a-egress', pods: { app: 'a' }, egress: [{ peers }] });
const ingressOfB = (peers: readonly Peer[]): Policy => policy({ namespace: 'x', name: 'b-ingress', pods: { app: 'b' }, ingress: [{ peers }] });
const NODE_NOTE = /does not select cluster nodes.*policy-cidr-match-mode=nodes/;

interface Case {
  readonly name: string;
  readonly cite: string;
  readonly policies: readonly Policy[];
  readonly flow: Flow;
  readonly allowed: boolean;
  /** A note must say why the node address was not matched (otherwise: no notes). */
  readonly note?: RegExp;
}

const cases: Case[] = [
  { name: 'Cilium 0.0.0.0/0 egress to another node\'s address: not selected', cite: `${CIL_CIDR}; ${NODE_LABELS} ("Standard case: nodes do not have non-reserved labels")`,
    policies: [egressOfA([cilium('0.0.0.0/0')])], flow: flow('x/a', '192.168.0.11', 443), allowed: false, note: NODE_NOTE },
  { name: 'Cilium 0.0.0.0/0 egress to a host-network pod: not selected (it uses its node\'s address)', cite: CIL_CIDR,
    policies: [egressOfA([cilium('0.0.0.0/0')])], flow: flow('x/a', 'x/h', 443), allowed: false, note: /192\.168\.0\.11, used by host-network pod x\/h \(node n2\)/ },
  { name: 'Cilium 0.0.0.0/0 egress to a host-network pod on a node missing from the snapshot: not selected', cite: CIL_CIDR,
    policies: [egressOfA([cilium('0.0.0.0/0')])], flow: flow('x/a', 'y/agent', 443), allowed: false, note: /used by host-network pod y\/agent \(a cluster node\)/ },
  { name: 'Cilium 0.0.0.0/0 egress to an external address: selected (world)', cite: `${CIL}#ip-cidr-based ("A network endpoint outside the cluster")`,
    policies: [egressOfA([cilium('0.0.0.0/0')])], flow: flow('x/a', '8.8.8.8', 443), allowed: true },
  { name: 'Cilium CIDR over the node range: an address no node of the snapshot holds is selected (world)', cite: `${CIL_CIDR}; an address the agent knows no node for has the world identity`,
    policies: [egressOfA([cilium('192.168.0.0/24')])], flow: flow('x/a', '192.168.0.50', 443), allowed: true },
  { name: 'Cilium ::/0 egress to a node\'s IPv6 address: not selected', cite: CIL_CIDR,
    policies: [egressOfA([cilium('::/0')])], flow: flow('x/a', 'fd00:1::11', 443), allowed: false, note: NODE_NOTE },
  { name: 'Cilium ::/0 egress to an external IPv6 address: selected', cite: CIL_CIDR,
    policies: [egressOfA([cilium('::/0')])], flow: flow('x/a', '2001:db8::1', 443), allowed: true },
  { name: 'Cilium fromCIDR 0.0.0.0/0 ingress from a node address: not selected', cite: CIL_CIDR,
    policies: [ingressOfB([cilium('0.0.0.0/0')])], flow: flow('192.168.0.11', 'x/b', 80), allowed: false, note: NODE_NOTE },
  { name: 'Cilium fromCIDR 0.0.0.0/0 ingress from a host-network pod: not selected', cite: CIL_CIDR,
    policies: [ingressOfB([cilium('0.0.0.0/0')])], flow: flow('x/h', 'x/b', 80), allowed: false, note: NODE_NOTE },
  { name: 'Cilium deny toCIDR 0.0.0.0/0 does not deny a node address either', cite: `${CIL}#deny-policies; ${CIL_CIDR}`,
    policies: [policy({ namespace: 'x', name: 'a-deny', pods: { app: 'a' }, order: -1, isolates: false, egress: [{ action: 'deny', peers: [cilium('0.0.0.0/0')] }] }), policy({ namespace: 'x', name: 'a-all', pods: { app: 'a' }, egress: [{}] })],
    flow: flow('x/a', '192.168.0.11', 443), allowed: true, note: NODE_NOTE },
  { name: 'Cilium deny toCIDR 0.0.0.0/0 denies an external address', cite: `${CIL}#deny-policies`,
    policies: [policy({ namespace: 'x', name: 'a-deny', pods: { app: 'a' }, order: -1, isolates: false, egress: [{ action: 'deny', peers: [cilium('0.0.0.0/0')] }] }), policy({ namespace: 'x', name: 'a-all', pods: { app: 'a' }, egress: [{}] })],
    flow: flow('x/a', '8.8.8.8', 443), allowed: false },
  { name: 'policy-cidr-match-mode=nodes: a node address in the CIDR is selected', cite: `${CIL_NODES}; ${NODE_LABELS} ("Add a CIDR selector that covers both nodes")`,
    policies: [egressOfA([cilium('0.0.0.0/0', [], true)])], flow: flow('x/a', '192.168.0.11', 443), allowed: true },
  { name: 'policy-cidr-match-mode=nodes: a host-network pod is selected by its node\'s address', cite: CIL_NODES,
    policies: [egressOfA([cilium('192.168.0.0/24', [], true)])], flow: flow('x/a', 'x/h', 443), allowed: true },
  { name: 'policy-cidr-match-mode=nodes: except still carves the node address out', cite: `${CIL_NODES}; cilium/cilium pkg/policy/api/cidr.go CIDRRuleSlice.GetAsEndpointSelectors (except as DoesNotExist)`,
    policies: [egressOfA([cilium('192.168.0.0/24', ['192.168.0.11/32'], true)])], flow: flow('x/a', '192.168.0.11', 443), allowed: false },
  { name: 'policy-cidr-match-mode=nodes: pods are still not selected', cite: `${CIL_NODES} (nodes only); ${CIL_CIDR}`,
    policies: [egressOfA([cilium('10.0.0.0/8', [], true)])], flow: flow('x/a', 'x/b', 80), allowed: false },
  { name: 'Cilium except around a node address: excepted, so no note about nodes', cite: `${CIL}#ip-cidr-based (toCIDRSet except)`,
    policies: [egressOfA([cilium('192.168.0.0/24', ['192.168.0.11/32'])])], flow: flow('x/a', '192.168.0.11', 443), allowed: false },
  { name: 'K8s ipBlock 0.0.0.0/0 egress to a node address: selected (implementation-defined; Palisade treats node traffic as traffic to the node IP)',
    cite: `${K8S}#networkpolicy-and-hostnetwork-pods ("treated the same as all other traffic to/from the node IP")`,
    policies: [egressOfA([ipBlock('0.0.0.0/0')])], flow: flow('x/a', '192.168.0.11', 443), allowed: true },
  { name: 'K8s ipBlock egress to a host-network pod: selected by its node\'s address', cite: `${K8S}#networkpolicy-and-hostnetwork-pods`,
    policies: [egressOfA([ipBlock('192.168.0.11/32')])], flow: flow('x/a', 'x/h', 443), allowed: true },
  { name: 'own node: always allowed, whatever a Cilium CIDR says', cite: `${K8S} ("traffic to and from the node where a Pod is running is always allowed")`,
    policies: [egressOfA([cilium('0.0.0.0/0')])], flow: flow('x/a', '192.168.0.10', 443), allowed: true },
];

for (const c of cases) {
  test(`CIDR peers and nodes: ${c.name} (${c.cite})`, () => {
    const v = evaluate(compile(CLUSTER, policySet(c.policies)), c.flow);
    assert.equal(v.allowed, c.allowed, `${v.egress.message} | ${v.ingress.message}`);
    if (c.note !== undefined) assert.ok(v.notes.some((n) => c.note?.test(n)), JSON.stringify(v.notes));
    else assert.deepEqual(v.notes, []);
  });
}

test('CIDR peers and nodes: the note names the policy, the peer and the node, and only when the rule\'s ports admit the flow', () => {
  const p = policy({ namespace: 'x', name: 'a-egress', pods: { app: 'a' }, egress: [{ peers: [cilium('0.0.0.0/0')], ports: [{ protocol: 'TCP', ports: { kind: 'range', from: 443, to: 443 }, path: '' }] }] });
  const compiled = compile(CLUSTER, policySet([p]));
  const on443 = evaluate(compiled, flow('x/a', '192.168.0.11', 443));
  assert.deepEqual(on443.notes, [
    'NetworkPolicy x/a-egress spec.egress[0].to[0]: 0.0.0.0/0 contains 192.168.0.11, the address of node n2, but this CIDR rule does not select cluster nodes '
    + '(Cilium gives node traffic the identity host or remote-node; select it with toEntities or toNodes, or run the agent with policy-cidr-match-mode=nodes)',
  ]);
  assert.deepEqual(evaluate(compiled, flow('x/a', '192.168.0.11', 80)).notes, []);
});
