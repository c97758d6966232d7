// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy decoding: validation with field
// paths (cilium/cilium pkg/policy/api/rule_validation.go and its tests) and the IR each
// construct compiles to (Documentation/security/policy/language.rst, intro.rst).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer } from '../../model/peer.ts';
import type { Policy } from '../../model/policy.ts';
import { Issues } from '../validation/issues.ts';
import type { CiliumAgentOptions } from './cilium-policy.ts';
import { ciliumHandlers, CILIUM_DENY_ORDER, readCiliumPolicy } from './cilium-policy.ts';

const LANGUAGE = 'https://docs.cilium.io/en/stable/security/policy/language/';
const VALIDATION = 'cilium/cilium pkg/policy/api/rule_validation.go';

function cnp(spec: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'ns' }, spec, ...extra };
}

function decode(obj: Record<string, unknown>, clusterwide = false): { policies: Policy[]; issues: Issues } {
  const issues = new Issues();
  const r = readCiliumPolicy(obj, clusterwide, issues);
  return { policies: r?.policies ?? [], issues };
}

function errors(issues: Issues): string[] {
  return issues.list.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
}

const sel = (labels: Record<string, string>) => ({ matchLabels: labels });

const invalid: { name: string; cite: string; obj: Record<string, unknown>; path: string; message: RegExp }[] = [
  { name: 'spec and specs both missing', cite: `${VALIDATION} Rule.Sanitize`, obj: { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'ns' } }, path: 'spec', message: /one of spec or specs/ },
  { name: 'neither endpointSelector nor nodeSelector', cite: `${VALIDATION} "rule must have one of EndpointSelector or NodeSelector"`, obj: cnp({ ingress: [{}] }), path: 'spec.endpointSelector', message: /EndpointSelector or NodeSelector/ },
  { name: 'both endpointSelector and nodeSelector', cite: `${VALIDATION} "rule cannot have both"`, obj: cnp({ endpointSelector: {}, nodeSelector: {} }), path: 'spec', message: /cannot have both/ },
  { name: 'fromEndpoints with fromCIDR in one rule', cite: `${VALIDATION} IngressRule.sanitize "Combining %s and %s is not supported yet"`, obj: cnp({ endpointSelector: {}, ingress: [{ fromEndpoints: [{}], fromCIDR: ['10.0.0.0/8'] }] }), path: 'spec.ingress[0]', message: /Combining fromEndpoints and fromCIDR/ },
  { name: 'toFQDNs with toEntities in one rule', cite: `${VALIDATION} EgressRule.sanitize`, obj: cnp({ endpointSelector: {}, egress: [{ toEntities: ['world'], toFQDNs: [{ matchName: 'a.example' }] }] }), path: 'spec.egress[0]', message: /Combining/ },
  { name: 'unknown entity', cite: `${VALIDATION} "unsupported entity"; pkg/policy/api/entity.go`, obj: cnp({ endpointSelector: {}, ingress: [{ fromEntities: ['internet'] }] }), path: 'spec.ingress[0].fromEntities[0]', message: /unsupported value "internet"/ },
  { name: 'invalid CIDR', cite: `${VALIDATION} CIDR.sanitize`, obj: cnp({ endpointSelector: {}, egress: [{ toCIDR: ['10.0.0.0/33'] }] }), path: 'spec.egress[0].toCIDR[0]', message: /unable to parse CIDR/ },
  { name: 'CIDRSet except outside its cidr', cite: `${VALIDATION} CIDRRule.sanitize "does not contain exclude CIDR prefix"`, obj: cnp({ endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }] }] }), path: 'spec.egress[0].toCIDRSet[0].except[0]', message: /does not contain/ },
  { name: 'CIDRSet needs a prefix, not a bare IP', cite: `${VALIDATION} CIDRRule.sanitize "Only allow notation <IP address>/<prefix>"`, obj: cnp({ endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '10.0.0.1' }] }] }), path: 'spec.egress[0].toCIDRSet[0].cidr', message: /unable to parse CIDRRule/ },
  { name: 'port missing', cite: `${VALIDATION} PortProtocol.sanitize "Port must be specified"`, obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ protocol: 'TCP' }] }] }] }), path: 'spec.ingress[0].toPorts[0].ports[0].port', message: /Port must be specified/ },
  { name: 'port out of range', cite: `${VALIDATION} PortProtocol.sanitize ParseUint(port, 0, 16)`, obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '70000' }] }] }] }), path: 'spec.ingress[0].toPorts[0].ports[0].port', message: /between 0 and 65535/ },
  { name: 'endPort below port', cite: `${LANGUAGE} (Layer 4 Examples, port ranges)`, obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '8080', endPort: 80 }] }] }] }), path: 'spec.ingress[0].toPorts[0].ports[0].endPort', message: /greater than or equal to port/ },
  { name: 'unsupported protocol', cite: 'cilium/cilium pkg/policy/api/l4.go ParseL4Proto', obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'GRE' }] }] }] }), path: 'spec.ingress[0].toPorts[0].ports[0].protocol', message: /unsupported value "GRE"/ },
  { name: 'DNS rules on ingress', cite: `${VALIDATION} PortRule.sanitize "DNS rules are not allowed on ingress"`, obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }] }] }), path: 'spec.ingress[0].toPorts[0].rules.dns', message: /not allowed on ingress/ },
  { name: 'HTTP rules on UDP', cite: `${VALIDATION} "L7 rules can only apply to TCP (not %s) except for DNS rules"`, obj: cnp({ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'UDP' }], rules: { http: [{ method: 'GET' }] } }] }] }), path: 'spec.ingress[0].toPorts[0].ports[0].protocol', message: /only apply to TCP/ },
  { name: 'two L7 kinds in one port rule', cite: `${VALIDATION} L7Rules.sanitize "multiple L7 protocol rule types"`, obj: cnp({ endpointSelector: {}, egress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{}], kafka: [{}] } }] }] }), path: 'spec.egress[0].toPorts[0].rules', message: /multiple L7/ },
  { name: 'toFQDNs with both matchName and matchPattern', cite: 'cilium/cilium pkg/policy/api/fqdn.go FQDNSelector.sanitize', obj: cnp({ endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'a.example', matchPattern: '*.example' }] }] }), path: 'spec.egress[0].toFQDNs[0]', message: /only one of matchName or matchPattern/ },
  { name: 'toFQDNs in egressDeny is not a field', cite: 'cilium/cilium pkg/policy/api/egress.go EgressDenyRule (no ToFQDNs)', obj: cnp({ endpointSelector: {}, egressDeny: [{ toFQDNs: [{ matchName: 'a.example' }] }] }), path: 'spec.egressDeny[0].toFQDNs', message: /unknown field/ },
  { name: 'reserved label mixed with others', cite: `${LANGUAGE} (Entities Based)`, obj: cnp({ endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { 'reserved:host': '', app: 'x' } }] }] }), path: 'spec.ingress[0].fromEndpoints[0].matchLabels[reserved:host]', message: /reserved label can only be selected alone/ },
  { name: 'invalid label source', cite: 'cilium/cilium pkg/labels (sources k8s, any, reserved, ...)', obj: cnp({ endpointSelector: { matchLabels: { 'container:app': 'x' } } , ingress: [{}] }), path: 'spec.endpointSelector.matchLabels[container:app]', message: /label source "container"/ },
  { name: 'enableDefaultDeny not a boolean', cite: 'cilium/cilium pkg/policy/api/rule.go DefaultDenyConfig', obj: cnp({ endpointSelector: {}, enableDefaultDeny: { ingress: 'no' } }), path: 'spec.enableDefaultDeny.ingress', message: /expected a boolean/ },
  { name: 'unknown spec field', cite: 'cilium/cilium pkg/policy/api/rule.go Rule', obj: cnp({ endpointSelector: {}, ingres: [] }), path: 'spec.ingres', message: /unknown field/ },
];

for (const c of invalid) {
  test(`invalid: ${c.name}`, () => {
    const { issues } = decode(c.obj);
    const errs = errors(issues);
    assert.ok(errs.some((e) => e.startsWith(`${c.path}: `) && c.message.test(e)), `${c.cite}\nexpected ${c.path} ~ ${c.message}, got:\n${errs.join('\n')}`);
  });
}

function onlyPolicy(obj: Record<string, unknown>, clusterwide = false): Policy {
  const { policies, issues } = decode(obj, clusterwide);
  assert.deepEqual(errors(issues), []);
  assert.equal(policies.length, 1);
  const p = policies[0];
  assert.ok(p !== undefined);
  return p;
}

function firstPeers(p: Policy, dir: 'ingress' | 'egress'): readonly Peer[] | null | undefined {
  return p[dir]?.rules[0]?.peers;
}

test('CNP endpointSelector applies in the policy namespace only', () => {
  // language.rst: a CiliumNetworkPolicy is namespaced; its endpointSelector matches endpoints of its namespace.
  const p = onlyPolicy(cnp({ endpointSelector: sel({ app: 'web' }), ingress: [{}] }));
  assert.deepEqual(p.subject, { namespaces: { kind: 'names', names: ['ns'] }, pods: { op: 'and', of: [{ op: 'in', key: 'app', values: ['web'] }] } });
});

test('empty fromEndpoints selector means every endpoint of the policy namespace (CNP), every namespace (CCNP)', () => {
  // language.rst "Ingress/Egress Allow All": an empty EndpointSelector selects all endpoints in the policy's namespace (cilium#14580).
  const p = onlyPolicy(cnp({ endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] }));
  assert.deepEqual(firstPeers(p, 'ingress'), [{ kind: 'pods', path: 'spec.ingress[0].fromEndpoints[0]', namespaces: { kind: 'names', names: ['ns'] }, pods: { op: 'all' } }]);
  const c = onlyPolicy({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'c' }, spec: { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] } }, true);
  assert.deepEqual(c.subject.namespaces, { kind: 'selector', selector: { op: 'all' } });
  assert.deepEqual(firstPeers(c, 'ingress'), [{ kind: 'pods', path: 'spec.ingress[0].fromEndpoints[0]', namespaces: { kind: 'selector', selector: { op: 'all' } }, pods: { op: 'all' } }]);
});

test('namespace keys: k8s:io.kubernetes.pod.namespace and io.cilium.k8s.namespace.labels.<k>', () => {
  // https://docs.cilium.io/en/stable/security/policy/kubernetes/ (Namespaces; Namespace labels)
  const p = onlyPolicy(cnp({ endpointSelector: {}, ingress: [{ fromEndpoints: [
    { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other', 'k8s:app': 'c' } },
    { matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'a' } },
  ] }] }));
  assert.deepEqual(firstPeers(p, 'ingress'), [
    { kind: 'pods', path: 'spec.ingress[0].fromEndpoints[0]', namespaces: { kind: 'names', names: ['other'] }, pods: { op: 'and', of: [{ op: 'in', key: 'app', values: ['c'] }] } },
    // Without a namespace key Cilium adds the policy's own namespace.
    { kind: 'pods', path: 'spec.ingress[0].fromEndpoints[1]', namespaces: { kind: 'selector', selector: { op: 'and', of: [
      { op: 'in', key: 'kubernetes.io/metadata.name', values: ['ns'] }, { op: 'in', key: 'team', values: ['a'] },
    ] } }, pods: { op: 'all' } },
  ]);
});

test('ingress: [{}] isolates and allows nothing; toPorts alone allows every peer', () => {
  // intro.rst (default mode): a rule with an ingress section puts the endpoint in default deny.
  const p = onlyPolicy(cnp({ endpointSelector: {}, ingress: [{}, { toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }));
  assert.equal(p.ingress?.isolates, true);
  assert.deepEqual(p.ingress?.rules.map((r) => r.peers), [[], null]);
  assert.deepEqual(p.ingress?.rules[1]?.ports, [{ protocol: 'TCP', ports: { kind: 'range', from: 80, to: 80 }, path: 'spec.ingress[1].toPorts[0].ports[0]' }]);
  assert.equal(p.egress, undefined);
});

test('enableDefaultDeny false: rules only add allows', () => {
  // language.rst / rule.go EnableDefaultDeny; rule_validation.go Rule.Sanitize defaulting.
  const p = onlyPolicy(cnp({ endpointSelector: {}, enableDefaultDeny: { ingress: false }, ingress: [{ fromEntities: ['world'] }] }));
  assert.equal(p.ingress?.isolates, false);
});

test('ports: ANY is every protocol, 0 is every port, names are lower-cased, endPort makes a range', () => {
  // l4.go PortProtocol; rule_validation.go PortProtocol.sanitize (IANA names normalised to lower case).
  const p = onlyPolicy(cnp({ endpointSelector: {}, egress: [{ toPorts: [{ ports: [
    { port: '8000', endPort: 8100 }, { port: '0', protocol: 'UDP' }, { port: 'HTTP', protocol: 'tcp' }, { port: 443, protocol: 'ANY' },
  ] }] }] }));
  assert.deepEqual(p.egress?.rules[0]?.ports?.map((m) => [m.protocol, m.ports]), [
    [null, { kind: 'range', from: 8000, to: 8100 }], ['UDP', null], ['TCP', { kind: 'named', name: 'http' }], [null, { kind: 'range', from: 443, to: 443 }],
  ]);
});

const CIDR_RULES = cnp({ endpointSelector: {}, egress: [{ toCIDR: ['192.0.2.7'] }, { toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }], ingress: [{ fromCIDR: ['fd00::/64'] }, { fromCIDRSet: [{ cidr: '0.0.0.0/0' }] }] });

const cidrModes: { name: string; cite: string; options: CiliumAgentOptions | undefined; matchesNodes: boolean }[] = [
  { name: 'default agent: CIDR peers match neither pods nor nodes', options: undefined, matchesNodes: false,
    cite: `${LANGUAGE}#ip-cidr-based ("CIDR rules do not apply to traffic where both sides of the connection are either managed by Cilium or use an IP belonging to a node in the cluster (including host networking pods)"); cilium/cilium pkg/node/manager/manager_test.go TestNodeCIDRLabels ("Standard case: nodes do not have non-reserved labels")` },
  { name: 'policy-cidr-match-mode empty is the default', options: { policyCidrMatchMode: [] }, matchesNodes: false,
    cite: 'cilium/cilium pkg/ipcache/metadata.go resolveLabels ("It is not allowed for nodes to have CIDR labels, unless policy-cidr-match-mode includes nodes")' },
  { name: 'policy-cidr-match-mode=nodes: CIDR peers match nodes, still not pods', options: { policyCidrMatchMode: ['nodes'] }, matchesNodes: true,
    cite: `${LANGUAGE}#selecting-nodes-with-cidr-ipblock ("--policy-cidr-match-mode=nodes"); TestNodeCIDRLabels ("Add a CIDR selector that covers both nodes": reserved:host and reserved:remote-node get cidr:10.0.0.0/24)` },
];

for (const c of cidrModes) {
  test(`CIDR peers: ${c.name}; fromCIDR takes bare addresses (${c.cite})`, () => {
    const issues = new Issues();
    const p = readCiliumPolicy(CIDR_RULES, false, issues, c.options)?.policies[0];
    assert.deepEqual(errors(issues), []);
    const m = { matchesPods: false, matchesNodes: c.matchesNodes };
    assert.deepEqual(p?.egress?.rules.map((r) => r.peers), [
      [{ kind: 'cidr', path: 'spec.egress[0].toCIDR[0]', cidr: '192.0.2.7/32', except: [], ...m }],
      [{ kind: 'cidr', path: 'spec.egress[1].toCIDRSet[0]', cidr: '10.0.0.0/8', except: ['10.96.0.0/12'], ...m }],
    ]);
    assert.deepEqual(p?.ingress?.rules.map((r) => r.peers), [
      [{ kind: 'cidr', path: 'spec.ingress[0].fromCIDR[0]', cidr: 'fd00::/64', except: [], ...m }],
      [{ kind: 'cidr', path: 'spec.ingress[1].fromCIDRSet[0]', cidr: '0.0.0.0/0', except: [], ...m }],
    ]);
  });
}

test('the agent options reach CiliumClusterwideNetworkPolicy and deny rules through the handlers (handlers.ts kindHandlers)', () => {
  const ccnp = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'c' }, spec: { endpointSelector: {}, egressDeny: [{ toCIDR: ['192.168.0.0/16'] }] } };
  const read = (options: CiliumAgentOptions): unknown[] => {
    const issues = new Issues();
    const h = ciliumHandlers(options).find((x) => x.kind === 'CiliumClusterwideNetworkPolicy');
    const objects = h?.decode(ccnp, issues).objects ?? [];
    return objects.flatMap((o) => (o.type === 'policy' ? (o.policy.egress?.rules ?? []).flatMap((r) => r.peers ?? []) : [])).map((peer) => (peer.kind === 'cidr' ? peer.matchesNodes : peer.kind));
  };
  assert.deepEqual(read({}), [false]);
  assert.deepEqual(read({ policyCidrMatchMode: ['nodes'] }), [true]);
});

test('entities, reserved labels, FQDNs and L7 rules', () => {
  // language.rst (Entities Based, DNS based, Layer 7 Examples).
  const p = onlyPolicy(cnp({ endpointSelector: {}, egress: [
    { toEntities: ['kube-apiserver', 'cluster'] },
    { toEndpoints: [{ matchLabels: { 'reserved:host': '' } }] },
    { toFQDNs: [{ matchName: 'API.example.com' }, { matchPattern: '*.example.org' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    { toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/public' }] } }] },
    { toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }] },
  ] }));
  const rules = p.egress?.rules ?? [];
  assert.deepEqual(rules[0]?.peers?.map((x) => (x.kind === 'entity' ? x.entity : x.kind)), ['kube-apiserver', 'cluster']);
  assert.deepEqual(rules[1]?.peers?.map((x) => (x.kind === 'entity' ? x.entity : x.kind)), ['host']);
  assert.deepEqual(rules[2]?.peers?.map((x) => (x.kind === 'fqdn' ? x.pattern : x.kind)), ['api.example.com', '*.example.org']);
  assert.deepEqual(rules[3]?.l7, { protocol: 'http', summary: 'GET /public' });
  assert.deepEqual(rules[4]?.l7, { protocol: 'dns', summary: '*' });
});

test('deny rules go to a separate policy ordered before every allow', () => {
  // language.rst "Deny Policies": deny takes precedence over allow; rule_validation.go: ingressDeny alone enables default deny.
  const { policies, issues } = decode(cnp({ endpointSelector: sel({ app: 'web' }), ingressDeny: [{ fromEntities: ['world'] }] }));
  assert.deepEqual(errors(issues), []);
  const [allow, deny] = policies;
  assert.equal(allow?.id, 'cilium.io/v2/CiliumNetworkPolicy/ns/p');
  assert.deepEqual(allow?.ingress, { isolates: true, rules: [] });
  assert.equal(deny?.id, 'cilium.io/v2/CiliumNetworkPolicy/ns/p#deny');
  assert.equal(deny?.order, CILIUM_DENY_ORDER);
  assert.ok(CILIUM_DENY_ORDER < -1e300);
  assert.equal(deny?.ingress?.isolates, false);
  assert.deepEqual(deny?.ingress?.rules.map((r) => [r.action, r.path]), [['deny', 'spec.ingressDeny[0]']]);
  assert.deepEqual(deny?.subject, allow?.subject);
});

test('specs: one policy per rule, ids keep them apart', () => {
  // rule.go: CiliumNetworkPolicy has Spec and Specs; both may be given.
  const { policies, issues } = decode(cnp({ endpointSelector: {}, ingress: [{}] }, { specs: [{ endpointSelector: sel({ a: 'b' }), egress: [{}] }] }));
  assert.deepEqual(errors(issues), []);
  assert.deepEqual(policies.map((p) => p.id), ['cilium.io/v2/CiliumNetworkPolicy/ns/p#spec', 'cilium.io/v2/CiliumNetworkPolicy/ns/p#specs[0]']);
  assert.equal(policies[1]?.egress?.rules[0]?.path, 'specs[0].egress[0]');
});

test('nodeSelector (host policies) is parsed and reported as not supported', () => {
  // rule.go NodeSelector; language.rst "Host Policies".
  const { policies, issues } = decode(cnp({ nodeSelector: sel({ role: 'worker' }), ingress: [{}] }));
  assert.deepEqual(errors(issues), []);
  assert.equal(policies.length, 0);
  assert.ok(issues.list.some((i) => i.path === 'spec.nodeSelector' && /not supported yet/.test(i.message)));
});

const toServices: { name: string; entry: unknown; peer?: Peer; error?: RegExp }[] = [
  { name: 'k8sService with namespace', entry: { k8sService: { serviceName: 'db', namespace: 'other' } },
    peer: { kind: 'service', path: 'spec.egress[0].toServices[0]', namespace: 'other', name: 'db' } },
  { name: 'k8sService without namespace matches Services of every namespace', entry: { k8sService: { serviceName: 'db' } },
    peer: { kind: 'service', path: 'spec.egress[0].toServices[0]', namespace: null, name: 'db' } },
  { name: 'k8sServiceSelector with namespace', entry: { k8sServiceSelector: { selector: sel({ env: 'staging' }), namespace: 'other' } },
    peer: { kind: 'service', path: 'spec.egress[0].toServices[0]', namespace: 'other', selector: { op: 'and', of: [{ op: 'in', key: 'env', values: ['staging'] }] } } },
  { name: 'k8sServiceSelector without namespace', entry: { k8sServiceSelector: { selector: sel({ env: 'staging' }) } },
    peer: { kind: 'service', path: 'spec.egress[0].toServices[0]', namespace: null, selector: { op: 'and', of: [{ op: 'in', key: 'env', values: ['staging'] }] } } },
  { name: 'both forms at once', entry: { k8sService: { serviceName: 'db' }, k8sServiceSelector: { selector: {} } }, error: /exactly one of k8sService or k8sServiceSelector/ },
  { name: 'neither form', entry: {}, error: /exactly one of k8sService or k8sServiceSelector/ },
  { name: 'k8sService without serviceName', entry: { k8sService: { namespace: 'ns' } }, error: /serviceName: required/ },
  { name: 'unknown field', entry: { k8sService: { serviceName: 'db', port: 80 } }, error: /port/ },
];

for (const c of toServices) {
  test(`toServices: ${c.name}`, () => {
    // language.rst "Services based" (${LANGUAGE}#services-based); api/v2 Service, K8sServiceNamespace, K8sServiceSelectorNamespace.
    const { policies, issues } = decode(cnp({ endpointSelector: {}, egress: [{ toServices: [c.entry] }] }));
    if (c.error !== undefined) {
      assert.ok(errors(issues).some((e) => c.error?.test(e)), errors(issues).join('\n'));
      return;
    }
    assert.deepEqual(errors(issues), []);
    assert.deepEqual(policies[0]?.egress?.rules[0]?.peers, [c.peer]);
    assert.deepEqual(policies[0]?.egress?.rules[0]?.ports, null);
  });
}
