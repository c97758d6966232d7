// Validation and IR mapping of ClusterNetworkPolicy (v1alpha2) and its v1alpha1
// predecessors. Each invalid case cites the kubebuilder marker or CEL rule of
// kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go
// (v1alpha1: apis/v1alpha1/*_types.go) that rejects it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Issues } from '../validation/issues.ts';
import { readClusterNetworkPolicy } from './cluster-network-policy.ts';
import { clusterNetworkPolicyHandler } from './cluster-network-policy-ir.ts';
import { adminNetworkPolicyHandler, baselineAdminNetworkPolicyHandler } from './admin-network-policy.ts';

const TYPES = 'apis/v1alpha2/clusternetworkpolicy_types.go';
type Spec = Record<string, unknown>;
const base = (): Spec => ({
  tier: 'Admin', priority: 10, subject: { namespaces: { matchLabels: { team: 'a' } } },
  ingress: [{ name: 'r', action: 'Deny', from: [{ namespaces: {} }] }],
});
const obj = (spec: Spec, name = 'p') => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
const egress = (rule: Spec): Spec => ({ ...base(), ingress: undefined, egress: [rule] });

const invalid: Array<{ name: string; cite: string; spec: Spec; path: string; message: RegExp }> = [
  { name: 'priority above 1000', cite: `${TYPES} Priority +kubebuilder:validation:Maximum=1000`, spec: { ...base(), priority: 1001 }, path: 'spec.priority', message: /between 0 and 1000/ },
  { name: 'negative priority', cite: `${TYPES} Priority +kubebuilder:validation:Minimum=0`, spec: { ...base(), priority: -1 }, path: 'spec.priority', message: /between 0 and 1000/ },
  { name: 'missing priority', cite: `${TYPES} +kubebuilder:validation:Required (package default)`, spec: { ...base(), priority: undefined }, path: 'spec.priority', message: /required/ },
  { name: 'unknown tier', cite: `${TYPES} Tier +kubebuilder:validation:Enum={"Admin", "Baseline"}`, spec: { ...base(), tier: 'Developer' }, path: 'spec.tier', message: /unsupported value "Developer"/ },
  { name: 'subject with both pods and namespaces', cite: `${TYPES} ClusterNetworkPolicySubject MaxProperties=1`, spec: { ...base(), subject: { namespaces: {}, pods: { podSelector: {} } } }, path: 'spec.subject', message: /exactly one of/ },
  { name: 'empty subject', cite: `${TYPES} ClusterNetworkPolicySubject MinProperties=1`, spec: { ...base(), subject: {} }, path: 'spec.subject', message: /exactly one of/ },
  { name: 'subject pods without podSelector', cite: `${TYPES} NamespacedPod.PodSelector +required`, spec: { ...base(), subject: { pods: { namespaceSelector: {} } } }, path: 'spec.subject.pods.podSelector', message: /required/ },
  { name: 'unknown action', cite: `${TYPES} ClusterNetworkPolicyRuleAction Enum={"Accept", "Deny", "Pass"}`, spec: { ...base(), ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }, path: 'spec.ingress[0].action', message: /unsupported value "Allow"/ },
  { name: 'rule without from', cite: `${TYPES} From MinItems=1 (required)`, spec: { ...base(), ingress: [{ action: 'Deny' }] }, path: 'spec.ingress[0].from', message: /required/ },
  { name: 'empty from', cite: `${TYPES} From MinItems=1`, spec: { ...base(), ingress: [{ action: 'Deny', from: [] }] }, path: 'spec.ingress[0].from', message: /at least 1/ },
  { name: 'ingress peer with networks', cite: `${TYPES} ClusterNetworkPolicyIngressPeer has only namespaces and pods`, spec: { ...base(), ingress: [{ action: 'Deny', from: [{ networks: ['10.0.0.0/8'] }] }] }, path: 'spec.ingress[0].from[0].networks', message: /unknown field/ },
  { name: 'peer with two fields', cite: `${TYPES} ClusterNetworkPolicyEgressPeer MaxProperties=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {}, networks: ['10.0.0.0/8'] }] }), path: 'spec.egress[0].to[0]', message: /exactly one of/ },
  { name: 'empty peer', cite: `${TYPES} ClusterNetworkPolicyEgressPeer MinProperties=1`, spec: egress({ action: 'Deny', to: [{}] }), path: 'spec.egress[0].to[0]', message: /exactly one of/ },
  { name: 'port range end < start', cite: `${TYPES} PortRange XValidation self.start < self.end`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { range: { start: 9000, end: 8000 } } } }] }), path: 'spec.egress[0].protocols[0].tcp.destinationPort.range', message: /Start port must be less than End port/ },
  { name: 'port range end = start', cite: `${TYPES} PortRange XValidation self.start < self.end`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ udp: { destinationPort: { range: { start: 53, end: 53 } } } }] }), path: 'spec.egress[0].protocols[0].udp.destinationPort.range', message: /less than End/ },
  { name: 'port number 0', cite: `${TYPES} Port.Number Minimum=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 0 } } }] }), path: 'spec.egress[0].protocols[0].tcp.destinationPort.number', message: /between 1 and 65535/ },
  { name: 'port with number and range', cite: `${TYPES} Port MaxProperties=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80, range: { start: 1, end: 2 } } } }] }), path: 'spec.egress[0].protocols[0].tcp.destinationPort', message: /exactly one of/ },
  { name: 'protocol entry with tcp and udp', cite: `${TYPES} ClusterNetworkPolicyProtocol MaxProperties=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80 } }, udp: { destinationPort: { number: 53 } } }] }), path: 'spec.egress[0].protocols[0]', message: /exactly one of/ },
  { name: 'tcp without destinationPort', cite: `${TYPES} ClusterNetworkPolicyProtocolTCP MinProperties=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [{ tcp: {} }] }), path: 'spec.egress[0].protocols[0].tcp.destinationPort', message: /required/ },
  { name: 'empty protocols list', cite: `${TYPES} Protocols MinItems=1`, spec: egress({ action: 'Deny', to: [{ namespaces: {} }], protocols: [] }), path: 'spec.egress[0].protocols', message: /at least 1/ },
  { name: 'named port with networks peer', cite: `${TYPES} ClusterNetworkPolicyEgressRule XValidation (networks/nodes/domainNames peer cannot be set with namedPorts)`, spec: egress({ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }], protocols: [{ destinationNamedPort: 'http' }] }), path: 'spec.egress[0].protocols[0]', message: /cannot be set with namedPorts/ },
  { name: 'invalid CIDR', cite: `${TYPES} CIDR XValidation isCIDR(self)`, spec: egress({ action: 'Deny', to: [{ networks: ['10.0.0.0/33'] }] }), path: 'spec.egress[0].to[0].networks[0]', message: /CIDR/ },
  { name: 'duplicate network', cite: `${TYPES} Networks +listType=set`, spec: egress({ action: 'Deny', to: [{ networks: ['10.0.0.0/8', '10.0.0.0/8'] }] }), path: 'spec.egress[0].to[0].networks[1]', message: /duplicate/ },
  { name: 'more than 25 networks', cite: `${TYPES} Networks MaxItems=25`, spec: egress({ action: 'Deny', to: [{ networks: Array.from({ length: 26 }, (_, i) => `10.0.${i}.0/24`) }] }), path: 'spec.egress[0].to[0].networks', message: /at most 25/ },
  { name: 'more than 25 ingress rules', cite: `${TYPES} Ingress MaxItems=25`, spec: { ...base(), ingress: Array.from({ length: 26 }, () => ({ action: 'Deny', from: [{ namespaces: {} }] })) }, path: 'spec.ingress', message: /at most 25/ },
  { name: 'rule name over 100 characters', cite: `${TYPES} Name MaxLength=100`, spec: { ...base(), ingress: [{ name: 'x'.repeat(101), action: 'Deny', from: [{ namespaces: {} }] }] }, path: 'spec.ingress[0].name', message: /longer than 100/ },
  { name: 'domain name with a partial wildcard', cite: `${TYPES} DomainName Pattern ('*' only as a whole-label prefix)`, spec: egress({ action: 'Accept', to: [{ domainNames: ['*kubernetes.io'] }] }), path: 'spec.egress[0].to[0].domainNames[0]', message: /must match/ },
  { name: 'domainNames in a Deny rule', cite: `${TYPES} DomainNames ("DomainNames is only supported for Accept rules")`, spec: egress({ action: 'Deny', to: [{ domainNames: ['kubernetes.io'] }] }), path: 'spec.egress[0].action', message: /only supported for Accept/ },
];

for (const c of invalid) {
  test(`CNP validation rejects: ${c.name} (${c.cite})`, () => {
    const issues = new Issues();
    assert.equal(readClusterNetworkPolicy(obj(c.spec), issues), undefined);
    const hit = issues.list.find((i) => i.severity === 'error' && i.path === c.path && c.message.test(i.message));
    assert.ok(hit, `expected an error at ${c.path} matching ${String(c.message)}, got ${JSON.stringify(issues.list)}`);
  });
}

test(`CNP → IR: tier, order = priority, named rules in order, peers and ports with paths, non-isolating (${TYPES})`, () => {
  const issues = new Issues();
  const spec = {
    tier: 'Baseline', priority: 7, subject: { pods: { podSelector: { matchLabels: { app: 'web' } } } },
    egress: [
      { name: 'dns', action: 'Accept', to: [{ domainNames: ['*.example.com'] }, { nodes: {} }], protocols: [{ udp: { destinationPort: { number: 53 } } }] },
      { name: 'nets', action: 'Deny', to: [{ networks: ['10.0.0.1/8', '::/0'] }] },
      { name: 'named', action: 'Pass', to: [{ pods: { podSelector: {} } }], protocols: [{ destinationNamedPort: 'http' }, { sctp: { destinationPort: { range: { start: 9000, end: 9010 } } } }] },
    ],
  };
  const out = clusterNetworkPolicyHandler.decode(obj(spec, 'b'), issues);
  const decoded = out.objects[0];
  assert.ok(decoded?.type === 'policy', JSON.stringify(issues.list));
  const p = decoded.policy;
  assert.equal(p.id, 'policy.networking.k8s.io/v1alpha2/ClusterNetworkPolicy/b');
  assert.equal(p.tier, 'baseline');
  assert.equal(p.order, 7);
  assert.equal(p.ingress, undefined, 'no ingress rules: ingress unaffected');
  assert.equal(p.egress?.isolates, false);
  assert.deepEqual(p.subject, { namespaces: { kind: 'selector', selector: { op: 'all' } }, pods: { op: 'and', of: [{ op: 'in', key: 'app', values: ['web'] }] } });
  const [dns, nets, named] = p.egress?.rules ?? [];
  assert.deepEqual([dns?.name, dns?.action, nets?.action, named?.action], ['dns', 'allow', 'deny', 'pass']);
  assert.deepEqual(dns?.peers?.map((x) => [x.kind, x.path]), [['fqdn', 'spec.egress[0].to[0].domainNames[0]'], ['nodes', 'spec.egress[0].to[1].nodes']]);
  assert.deepEqual(dns?.ports, [{ protocol: 'UDP', ports: { kind: 'range', from: 53, to: 53 }, path: 'spec.egress[0].protocols[0]' }]);
  assert.deepEqual(nets?.peers, [
    { kind: 'cidr', path: 'spec.egress[1].to[0].networks[0]', cidr: '10.0.0.0/8', except: [], matchesPods: true },
    { kind: 'cidr', path: 'spec.egress[1].to[0].networks[1]', cidr: '::/0', except: [], matchesPods: true },
  ]);
  assert.equal(nets?.ports, null);
  assert.ok(issues.list.some((i) => i.severity === 'warning' && i.path === 'spec.egress[1].to[0].networks[0]'), 'host bits warned');
  assert.deepEqual(named?.ports, [
    { protocol: null, ports: { kind: 'named', name: 'http' }, path: 'spec.egress[2].protocols[0]' },
    { protocol: 'SCTP', ports: { kind: 'range', from: 9000, to: 9010 }, path: 'spec.egress[2].protocols[1]' },
  ]);
});

const ANP = 'apis/v1alpha1/{adminnetworkpolicy,baselineadminnetworkpolicy,shared}_types.go';

test(`v1alpha1 AdminNetworkPolicy converts to the admin tier: Allow → allow, ports → port matches (${ANP})`, () => {
  const issues = new Issues();
  const out = adminNetworkPolicyHandler.decode({
    apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'a' },
    spec: {
      priority: 3, subject: { namespaces: {} },
      ingress: [{ name: 'x', action: 'Allow', from: [{ pods: { namespaceSelector: {}, podSelector: {} } }], ports: [{ portNumber: { protocol: 'UDP', port: 53 } }, { namedPort: 'http' }, { portRange: { protocol: 'TCP', start: 80, end: 90 } }] }],
      egress: [{ action: 'Pass', to: [{ networks: ['192.0.2.0/24'] }] }],
    },
  }, issues);
  const d = out.objects[0];
  assert.ok(d?.type === 'policy', JSON.stringify(issues.list));
  assert.equal(d.policy.tier, 'admin');
  assert.equal(d.policy.order, 3);
  assert.equal(d.policy.ref.kind, 'AdminNetworkPolicy');
  assert.deepEqual(d.policy.ingress?.rules[0]?.ports?.map((p) => [p.protocol, p.ports]), [['UDP', { kind: 'range', from: 53, to: 53 }], [null, { kind: 'named', name: 'http' }], ['TCP', { kind: 'range', from: 80, to: 90 }]]);
  assert.equal(d.policy.ingress?.rules[0]?.action, 'allow');
  assert.equal(d.policy.egress?.rules[0]?.action, 'pass');
});

const v1alpha1Invalid: Array<{ name: string; kind: string; metadataName: string; spec: Spec; path: string; message: RegExp }> = [
  { name: 'BANP not named default (XValidation self.metadata.name == "default")', kind: 'BaselineAdminNetworkPolicy', metadataName: 'other', spec: { subject: { namespaces: {} } }, path: 'metadata.name', message: /default/ },
  { name: 'BANP Pass action (BaselineAdminNetworkPolicyRuleAction Enum={"Allow", "Deny"})', kind: 'BaselineAdminNetworkPolicy', metadataName: 'default', spec: { subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] }, path: 'spec.ingress[0].action', message: /unsupported value "Pass"/ },
  { name: 'ANP priority over 1000 (Maximum=1000)', kind: 'AdminNetworkPolicy', metadataName: 'a', spec: { priority: 5000, subject: { namespaces: {} } }, path: 'spec.priority', message: /between 0 and 1000/ },
  { name: 'ANP portRange start >= end (XValidation self.start < self.end)', kind: 'AdminNetworkPolicy', metadataName: 'a', spec: { priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }], ports: [{ portRange: { start: 90, end: 80 } }] }] }, path: 'spec.ingress[0].ports[0].portRange', message: /less than End/ },
];

for (const c of v1alpha1Invalid) {
  test(`v1alpha1 validation rejects: ${c.name} (${ANP})`, () => {
    const issues = new Issues();
    const handler = c.kind === 'AdminNetworkPolicy' ? adminNetworkPolicyHandler : baselineAdminNetworkPolicyHandler;
    assert.deepEqual(handler.decode({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: c.kind, metadata: { name: c.metadataName }, spec: c.spec }, issues).objects, []);
    assert.ok(issues.list.some((i) => i.severity === 'error' && i.path === c.path && c.message.test(i.message)), JSON.stringify(issues.list));
  });
}
