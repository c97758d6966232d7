// Converters, per construct and target: the output must re-read through buildSnapshot
// without problems (valid by construction), and what a target cannot express must be
// noted, never dropped silently. Equivalence of verdicts is proven end to end in
// test/cli/convert.test.ts (the engine is above api/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handlerTable, kindHandlers } from '../handlers.ts';
import { buildSnapshot } from '../snapshot.ts';
import type { SourceDocument } from '../source-document.ts';
import { convertPolicies } from './convert.ts';
import type { ConversionTarget, Manifest } from './limitations.ts';
import { CONVERSION_NOTES_ANNOTATION } from './limitations.ts';

const doc = (object: unknown, index = 0): SourceDocument => ({ source: 'test', index, object });
const ns = (name: string, labels: Record<string, string> = {}): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, ip: string): Manifest => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 80 }] }] }, status: { podIP: ip },
});
const CLUSTER = [ns('a', { team: 'a' }), ns('b', { team: 'b' }), pod('a', 'web', '10.0.0.1'), pod('b', 'db', '10.0.1.1')];

const K8S_NP = {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } }], ports: [{ port: 'http' }, { port: 8000, endPort: 8080, protocol: 'UDP' }] }],
    egress: [{}],
  },
};
const CALICO_DENY = {
  apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'd', namespace: 'a' },
  spec: { order: 10, selector: 'app == "web"', ingress: [{ action: 'Deny', source: { selector: 'app starts with "d"', namespaceSelector: 'all()' } }] },
};
const CNP_ADMIN = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'adm' },
  spec: { tier: 'Admin', priority: 5, subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: { matchLabels: { team: 'b' } } }] }] },
};
const CILIUM_FQDN = {
  apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'f', namespace: 'a' },
  spec: { endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'example.com' }] }, { toEntities: ['world'] }] },
};

interface Case {
  name: string;
  cite: string;
  input: Manifest;
  to: ConversionTarget;
  /** Kinds of the output objects. */
  kinds: string[];
  /** Regexps each of which some note must match (none: no notes). */
  notes: RegExp[];
}

const cases: Case[] = [
  { name: 'k8s → calico: selectors, ipBlock except, named port, endPort', cite: 'https://docs.tigera.io/calico/latest/reference/resources/networkpolicy', input: K8S_NP, to: 'calico', kinds: ['NetworkPolicy'], notes: [] },
  { name: 'k8s → k8s is the identity', cite: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/', input: K8S_NP, to: 'k8s', kinds: ['NetworkPolicy'], notes: [] },
  { name: 'k8s → cilium: an ipBlock covering every pod gets an endpoint-selector rule, noted', cite: 'https://docs.cilium.io/en/stable/network/kubernetes/policy/ (CIDR rules do not apply to pods)', input: K8S_NP, to: 'cilium', kinds: ['CiliumNetworkPolicy'], notes: [/never match pod IPs.*covers every pod/] },
  { name: 'k8s → cnp: default-tier policies have no CNP form', cite: 'network-policy-api apis/v1alpha2 (Admin and Baseline tiers only)', input: K8S_NP, to: 'cnp', kinds: [], notes: [/only the Admin and Baseline tiers/] },
  { name: 'calico deny → k8s: deny cannot be expressed', cite: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/ (allow-only)', input: CALICO_DENY, to: 'k8s', kinds: ['NetworkPolicy'], notes: [/can only allow/] },
  { name: 'calico deny → cilium: a starts-with selector is reported, the policy still isolates', cite: 'https://docs.cilium.io/en/stable/security/policy/language/#deny-policies', input: CALICO_DENY, to: 'cilium', kinds: ['CiliumNetworkPolicy'], notes: [/Cilium endpoint selectors are Kubernetes label selectors/] },
  { name: 'cnp admin pass → calico: kube-admin tier', cite: 'https://docs.tigera.io/calico/latest/reference/resources/tier', input: CNP_ADMIN, to: 'calico', kinds: ['Tier', 'GlobalNetworkPolicy'], notes: [] },
  { name: 'cnp admin → cnp is the identity', cite: 'network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go', input: CNP_ADMIN, to: 'cnp', kinds: ['ClusterNetworkPolicy'], notes: [] },
  { name: 'cnp admin → cilium: no tiers', cite: 'https://docs.cilium.io/en/stable/security/policy/ (no tiers)', input: CNP_ADMIN, to: 'cilium', kinds: [], notes: [/Cilium has no tiers/] },
  { name: 'cilium fqdn/world → k8s: reported per field path', cite: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/ (no FQDN)', input: CILIUM_FQDN, to: 'k8s', kinds: ['NetworkPolicy'], notes: [/egress\[0\].*DNS names/, /egress\[1\].*entities.*world/] },
  { name: 'cilium fqdn → calico: domains', cite: 'https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#entityrule', input: CILIUM_FQDN, to: 'calico', kinds: ['NetworkPolicy'], notes: [/Calico has no entity world/] },
];

for (const c of cases) {
  test(`convert: ${c.name} (${c.cite})`, () => {
    const before = buildSnapshot([...CLUSTER, c.input].map((o, i) => doc(o, i)));
    assert.deepEqual(before.problems, []);
    const out = convertPolicies(before.policies, before.cluster, c.to);
    assert.deepEqual(out.objects.map((o) => o['kind']), c.kinds);
    for (const re of c.notes) assert.ok(out.notes.some((n) => re.test(`${n.path}: ${n.message}`)), `${re} in ${JSON.stringify(out.notes)}`);
    if (c.notes.length === 0) assert.deepEqual(out.notes, []);
    const after = buildSnapshot([...CLUSTER, ...out.objects].map((o, i) => doc(o, i)));
    assert.deepEqual(after.problems, [], 'the output re-reads without errors');
    // Notes travel with the objects they are about.
    for (const o of out.objects) {
      const ann = ((o['metadata'] as Manifest)['annotations'] as Record<string, string> | undefined)?.[CONVERSION_NOTES_ANNOTATION];
      if (out.notes.length === 0) assert.equal(ann, undefined);
    }
  });
}

test('convert: k8s → calico → k8s gives back the same IR rules (round trip)', () => {
  const first = buildSnapshot([...CLUSTER, K8S_NP].map((o, i) => doc(o, i)));
  const calico = convertPolicies(first.policies, first.cluster, 'calico');
  const mid = buildSnapshot([...CLUSTER, ...calico.objects].map((o, i) => doc(o, i)));
  const back = convertPolicies(mid.policies, mid.cluster, 'k8s');
  assert.deepEqual(back.notes, []);
  const spec = (back.objects[0]?.['spec'] ?? {}) as Manifest;
  assert.deepEqual(spec['policyTypes'], ['Ingress', 'Egress']);
  assert.deepEqual(spec['podSelector'], { matchLabels: { app: 'web' } });
  const ingress = spec['ingress'] as Manifest[];
  // Calico needs one rule per peer and protocol: the Kubernetes rule comes back split.
  assert.ok(ingress.some((r) => JSON.stringify(r['from']) === JSON.stringify([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } }])));
  assert.ok(ingress.some((r) => JSON.stringify(r['ports']) === JSON.stringify([{ protocol: 'UDP', port: 8000, endPort: 8080 }])));
});

// Cilium toServices (https://docs.cilium.io/en/stable/security/policy/language/#services-based):
// written back as toServices for Cilium; the snapshot's Service selectors elsewhere, noted.
const SVC_CLUSTER = [
  ...CLUSTER,
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'b', labels: { exposed: 'yes' } }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } },
];
const CILIUM_SVC = {
  apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 's', namespace: 'a' },
  spec: { endpointSelector: {}, egress: [{ toServices: [{ k8sService: { serviceName: 'db', namespace: 'b' } }, { k8sServiceSelector: { selector: { matchLabels: { exposed: 'yes' } } } }] }] },
};
const svcCases: Array<{ to: ConversionTarget; kinds: string[]; notes: RegExp[]; check?: (o: Manifest) => void }> = [
  { to: 'cilium', kinds: ['CiliumNetworkPolicy'], notes: [], check: (o) => assert.deepEqual(((o['spec'] as Manifest)['egress'] as Manifest[])[0]?.['toServices'], CILIUM_SVC.spec.egress[0]?.toServices) },
  { to: 'k8s', kinds: ['NetworkPolicy'], notes: [/toServices\[0\].*Services b\/db/, /toServices\[1\].*Services b\/db/], check: (o) => assert.deepEqual(((o['spec'] as Manifest)['egress'] as Manifest[])[0]?.['to'], [
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } }, podSelector: { matchLabels: { app: 'db' } } },
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } }, podSelector: { matchLabels: { app: 'db' } } },
  ]) },
  { to: 'calico', kinds: ['NetworkPolicy'], notes: [/toServices\[0\].*Services b\/db/] },
  { to: 'cnp', kinds: [], notes: [/default-tier policies/] },
];
for (const c of svcCases) {
  test(`convert: cilium toServices → ${c.to}`, () => {
    const before = buildSnapshot([...SVC_CLUSTER, CILIUM_SVC].map((o, i) => doc(o, i)));
    assert.deepEqual(before.problems, []);
    const out = convertPolicies(before.policies, before.cluster, c.to);
    assert.deepEqual(out.objects.map((o) => o['kind']), c.kinds);
    for (const re of c.notes) assert.ok(out.notes.some((n) => re.test(`${n.path}: ${n.message}`)), `${re} in ${JSON.stringify(out.notes)}`);
    if (c.notes.length === 0) assert.deepEqual(out.notes, []);
    if (c.check !== undefined && out.objects[0] !== undefined) c.check(out.objects[0]);
    assert.deepEqual(buildSnapshot([...SVC_CLUSTER, ...out.objects].map((o, i) => doc(o, i))).problems, []);
  });
}

// Cluster nodes: a Cilium CIDR never matches them (docs.cilium.io security/policy/language
// "IP/CIDR based": not traffic that uses "an IP belonging to a node in the cluster
// (including host networking pods)") unless the agent runs with
// policy-cidr-match-mode=nodes ("Selecting nodes with CIDR / ipBlock"); an ipBlock, Calico
// nets and CNP networks do (Palisade: node traffic is traffic to the node IP).
const NODE_CLUSTER = [
  ...CLUSTER,
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.0.10' }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent', namespace: 'b' }, spec: { hostNetwork: true, nodeName: 'gone', containers: [{ name: 'c', image: 'i' }] }, status: { podIP: '192.168.0.12' } },
];
const CILIUM_CIDR = {
  apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'a' },
  spec: { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '0.0.0.0/0', except: ['10.0.1.0/24'] }] }] },
};
const K8S_TO_NODES = {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'a' },
  spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }], policyTypes: ['Egress'] },
};
const NODES_MODE = handlerTable(kindHandlers({ cilium: { policyCidrMatchMode: ['nodes'] } }));
const nodeCases: Array<{ name: string; input: Manifest; to: ConversionTarget; nodesMode?: boolean; defaultTarget?: boolean; notes: RegExp[]; absent?: RegExp }> = [
  // nodesMode: read with policy-cidr-match-mode=nodes and converted for such an agent (palisade convert --cilium-policy-cidr-match-mode nodes).
  { name: 'cilium CIDR → k8s: the pods and nodes the ipBlock now matches are listed', input: CILIUM_CIDR, to: 'k8s',
    notes: [/toCIDRSet\[0\]: a Cilium CIDR never matches pods or nodes, an ipBlock does: pods a\/web and node n1 \(192\.168\.0\.10\) and host-network pod b\/agent \(192\.168\.0\.12\) are in 0\.0\.0\.0\/0 and now match/] },
  { name: 'cilium CIDR → calico: the same for Calico nets', input: CILIUM_CIDR, to: 'calico', notes: [/never matches pods or nodes, Calico nets do: .*node n1 \(192\.168\.0\.10\)/] },
  { name: 'cilium CIDR read with policy-cidr-match-mode=nodes → k8s: only pods are new', input: CILIUM_CIDR, to: 'k8s', nodesMode: true,
    notes: [/never matches pods, an ipBlock does: pods a\/web are in/], absent: /node n1/ },
  { name: 'cilium CIDR read with policy-cidr-match-mode=nodes → cilium for a default agent: the nodes match only on such an agent', input: CILIUM_CIDR, to: 'cilium', nodesMode: true, defaultTarget: true,
    notes: [/never match cluster nodes.*node n1 \(192\.168\.0\.10\), host-network pod b\/agent \(192\.168\.0\.12\) are in 0\.0\.0\.0\/0 and no longer match \(select them with toNodes or toEntities host\/remote-node\)/] },
  { name: 'k8s ipBlock over the nodes → cilium: the nodes no longer match', input: K8S_TO_NODES, to: 'cilium',
    notes: [/to\[0\]: Cilium CIDR rules never match cluster nodes .*: node n1 \(192\.168\.0\.10\), host-network pod b\/agent \(192\.168\.0\.12\) are in 192\.168\.0\.0\/16/] },
  { name: 'cilium CIDR → cilium (default agent): nothing about nodes', input: CILIUM_CIDR, to: 'cilium', notes: [], absent: /node/ },
  { name: 'cilium CIDR read with policy-cidr-match-mode=nodes → cilium for such an agent: nothing about nodes', input: CILIUM_CIDR, to: 'cilium', nodesMode: true, notes: [], absent: /node/ },
  { name: 'k8s ipBlock over the nodes → cilium for a policy-cidr-match-mode=nodes agent: the nodes still match', input: K8S_TO_NODES, to: 'cilium', nodesMode: true, notes: [], absent: /node/ },
];
for (const c of nodeCases) {
  test(`convert: ${c.name}`, () => {
    const before = buildSnapshot([...NODE_CLUSTER, c.input].map((o, i) => doc(o, i)), c.nodesMode === true ? NODES_MODE : undefined);
    assert.deepEqual(before.problems, []);
    const target = c.nodesMode === true && c.defaultTarget !== true ? { cilium: { policyCidrMatchMode: ['nodes'] as const } } : {};
    const out = convertPolicies(before.policies, before.cluster, c.to, target);
    const texts = out.notes.map((n) => `${n.path}: ${n.message}`);
    for (const re of c.notes) assert.ok(texts.some((t) => re.test(t)), `${re} in ${JSON.stringify(texts)}`);
    if (c.absent !== undefined) assert.ok(!texts.some((t) => c.absent?.test(t) === true), JSON.stringify(texts));
    assert.deepEqual(buildSnapshot([...NODE_CLUSTER, ...out.objects].map((o, i) => doc(o, i))).problems, []);
  });
}
