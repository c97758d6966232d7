// NetworkPolicy validation and defaulting, table-driven. Cases port
// kubernetes/kubernetes pkg/apis/networking/validation/validation_test.go
// (TestValidateNetworkPolicy success and error cases, endPort cases) and
// pkg/apis/networking/v1/defaults.go (SetDefaults_NetworkPolicySpec/Port).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Issues } from '../validation/issues.ts';
import type { NetworkPolicy } from './network-policy.ts';
import { readNetworkPolicy } from './network-policy.ts';

type Obj = Record<string, unknown>;

function base(spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'foo', namespace: 'bar' }, spec };
}

function run(obj: Obj): { np: NetworkPolicy | undefined; errors: string[]; warnings: string[]; messages: string[] } {
  const issues = new Issues();
  const np = readNetworkPolicy(obj, issues);
  return {
    np,
    errors: issues.list.filter((i) => i.severity === 'error').map((i) => i.path),
    warnings: issues.list.filter((i) => i.severity === 'warning').map((i) => i.path),
    messages: issues.list.map((i) => `${i.path}: ${i.message}`),
  };
}

const ab = { matchLabels: { a: 'b' } };
const cd = { matchLabels: { c: 'd' } };
const invalidSelector = { matchLabels: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } };
const block = { cidr: '192.168.0.0/16', except: ['192.168.3.0/24', '192.168.4.0/24'] };
const block6 = { cidr: 'fd00:192:168::/48', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64'] };
const mixedPorts = [
  { port: 80 },
  { protocol: 'TCP' },
  { protocol: 'TCP', port: 443 },
  { protocol: 'UDP', port: 'dns' },
  { protocol: 'SCTP', port: 7777 },
];

// validation_test.go TestValidateNetworkPolicy successCases (in order), plus endPort successes.
const successCases: Array<[string, Obj]> = [
  ['empty ingress list', { podSelector: ab, ingress: [] }],
  ['rule with empty from and ports', { podSelector: ab, ingress: [{ from: [], ports: [] }] }],
  ['ingress ports of every protocol, numeric and named', { podSelector: ab, ingress: [{ ports: mixedPorts }] }],
  ['ingress podSelector peer', { podSelector: ab, ingress: [{ from: [{ podSelector: cd }] }] }],
  ['ingress namespaceSelector peer', { podSelector: ab, ingress: [{ from: [{ namespaceSelector: cd }] }] }],
  ['namespaceSelector and podSelector in one peer', { podSelector: ab, ingress: [{ from: [{ namespaceSelector: cd, podSelector: { matchLabels: { e: 'f' } } }] }] }],
  ['egress namespaceSelector and ingress ipBlock', { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }], ingress: [{ from: [{ ipBlock: block }] }] }],
  ['ingress ipBlock with except', { podSelector: ab, ingress: [{ from: [{ ipBlock: block }] }] }],
  ['egress ipBlock, policyTypes Egress', { podSelector: ab, egress: [{ to: [{ ipBlock: block }] }], policyTypes: ['Egress'] }],
  ['egress ipBlock, policyTypes Ingress+Egress', { podSelector: ab, egress: [{ to: [{ ipBlock: block }] }], policyTypes: ['Ingress', 'Egress'] }],
  ['egress ports of every protocol', { podSelector: ab, egress: [{ ports: mixedPorts }] }],
  ['IPv6 ingress ipBlock and egress namespaceSelector', { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }], ingress: [{ from: [{ ipBlock: block6 }] }] }],
  ['IPv6 ingress ipBlock', { podSelector: ab, ingress: [{ from: [{ ipBlock: block6 }] }] }],
  ['IPv6 egress ipBlock, policyTypes Egress', { podSelector: ab, egress: [{ to: [{ ipBlock: block6 }] }], policyTypes: ['Egress'] }],
  ['IPv6 egress ipBlock, both policyTypes', { podSelector: ab, egress: [{ to: [{ ipBlock: block6 }] }], policyTypes: ['Ingress', 'Egress'] }],
  ['endPort range', { podSelector: ab, egress: [{ ports: [{ protocol: 'TCP', port: 30000, endPort: 32768 }] }] }],
  ['endPort equal to port', { podSelector: ab, egress: [{ ports: [{ port: 32000, endPort: 32000 }] }] }],
  ['endPort 65535', { podSelector: ab, ingress: [{ ports: [{ port: 1, endPort: 65535 }] }] }],
  ['empty spec (deny all ingress)', {}],
  ['repeated policyType is allowed upstream', { policyTypes: ['Ingress', 'Ingress'] }],
  ['matchExpressions of every operator', { podSelector: { matchExpressions: [
    { key: 'a', operator: 'In', values: ['x'] }, { key: 'b', operator: 'NotIn', values: ['y', 'z'] },
    { key: 'example.com/c', operator: 'Exists' }, { key: 'd', operator: 'DoesNotExist', values: [] },
  ] } }],
  ['null rule decodes as the zero rule', { ingress: [null] }],
];

for (const [name, spec] of successCases) {
  test(`NetworkPolicy valid: ${name}`, () => {
    const r = run(base(spec));
    assert.deepEqual(r.messages, []);
    assert.ok(r.np !== undefined);
  });
}

// validation_test.go TestValidateNetworkPolicy errorCases (named as upstream), each with
// the field paths we expect errors on; plus endPort cases and strict-decoding cases.
const errorCases: Array<[string, Obj, string[]]> = [
  ['namespaceSelector and ipBlock', { podSelector: ab, ingress: [{ from: [{ namespaceSelector: cd, ipBlock: block }] }] }, ['spec.ingress[0].from[0]']],
  ['podSelector and ipBlock', { podSelector: ab, egress: [{ to: [{ podSelector: cd, ipBlock: block }] }] }, ['spec.egress[0].to[0]']],
  ['missing from and to type', { podSelector: ab, ingress: [{ from: [{}] }], egress: [{ to: [{}] }] }, ['spec.ingress[0].from[0]', 'spec.egress[0].to[0]']],
  ['invalid spec.podSelector', { podSelector: invalidSelector, ingress: [{ from: [{ namespaceSelector: cd }] }] }, ['spec.podSelector.matchLabels[NoUppercaseOrSpecialCharsLike=Equals]']],
  ['invalid ingress.ports.protocol', { ingress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] }, ['spec.ingress[0].ports[0].protocol']],
  ['invalid ingress.ports.port (int)', { ingress: [{ ports: [{ protocol: 'TCP', port: 123456789 }] }] }, ['spec.ingress[0].ports[0].port']],
  ['invalid ingress.ports.port (str)', { ingress: [{ ports: [{ protocol: 'TCP', port: '!@#$' }] }] }, ['spec.ingress[0].ports[0].port', 'spec.ingress[0].ports[0].port']],
  ['invalid ingress.from.podSelector', { ingress: [{ from: [{ podSelector: invalidSelector }] }] }, ['spec.ingress[0].from[0].podSelector.matchLabels[NoUppercaseOrSpecialCharsLike=Equals]']],
  ['invalid egress.to.podSelector', { egress: [{ to: [{ podSelector: invalidSelector }] }] }, ['spec.egress[0].to[0].podSelector.matchLabels[NoUppercaseOrSpecialCharsLike=Equals]']],
  ['invalid egress.ports.protocol', { egress: [{ ports: [{ protocol: 'ICMP', port: 80 }] }] }, ['spec.egress[0].ports[0].protocol']],
  ['invalid egress.ports.port (int)', { egress: [{ ports: [{ protocol: 'TCP', port: 123456789 }] }] }, ['spec.egress[0].ports[0].port']],
  ['invalid egress.ports.port (str)', { egress: [{ ports: [{ protocol: 'TCP', port: '!@#$' }] }] }, ['spec.egress[0].ports[0].port', 'spec.egress[0].ports[0].port']],
  ['invalid ingress.from.namespaceSelector', { ingress: [{ from: [{ namespaceSelector: invalidSelector }] }] }, ['spec.ingress[0].from[0].namespaceSelector.matchLabels[NoUppercaseOrSpecialCharsLike=Equals]']],
  ['missing cidr field', { ingress: [{ from: [{ ipBlock: { except: ['192.168.8.0/24', '192.168.9.0/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  ['invalid cidr format', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: '192.168.5.6', except: ['192.168.1.0/24', '192.168.2.0/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  ['invalid ipv6 cidr format', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: 'fd00:192:168::', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  ['except field is an empty string', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: ['', ' '] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]', 'spec.ingress[0].from[0].ipBlock.except[1]']],
  ['except IP is outside of CIDR range', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: '192.168.8.0/24', except: ['192.168.9.1/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]', 'spec.ingress[0].from[0].ipBlock.except[0]']],
  ['except IP is not strictly within CIDR range', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/24', except: ['192.168.0.0/24'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]']],
  ['except IPv6 is outside of CIDR range', { podSelector: ab, ingress: [{ from: [{ ipBlock: { cidr: 'fd00:192:168:1::/64', except: ['fd00:192:168:2::/64'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]']],
  ['except of another IP family', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/64'] } }] }] }, ['spec.ingress[0].from[0].ipBlock.except[0]']],
  ['invalid policyTypes', { podSelector: ab, egress: [{ to: [{ ipBlock: block }] }], policyTypes: ['foo', 'bar'] }, ['spec.policyTypes[0]', 'spec.policyTypes[1]']],
  ['too many policyTypes', { podSelector: ab, egress: [{ to: [{ ipBlock: block }] }], policyTypes: ['foo', 'bar', 'baz'] }, ['spec.policyTypes']],
  // Strict CIDR validation (KEP-4858, apimachinery/pkg/api/validation/ip.go).
  ['cidr with host bits set', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1/8' } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  ['cidr with leading zeros', { ingress: [{ from: [{ ipBlock: { cidr: '010.0.0.0/8' } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  ['cidr IPv4-mapped IPv6', { ingress: [{ from: [{ ipBlock: { cidr: '::ffff:10.0.0.0/104' } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr']],
  // endPort (TestValidateNetworkPolicy endPort cases upstream).
  ['endPort smaller than port', { egress: [{ ports: [{ protocol: 'TCP', port: 32768, endPort: 32000 }] }] }, ['spec.egress[0].ports[0].endPort']],
  ['endPort above 65535', { egress: [{ ports: [{ protocol: 'UDP', port: 32000, endPort: 65536 }] }] }, ['spec.egress[0].ports[0].endPort']],
  ['endPort with a named port', { egress: [{ ports: [{ protocol: 'SCTP', port: 'https', endPort: 8080 }] }] }, ['spec.egress[0].ports[0].endPort']],
  ['endPort without port', { ingress: [{ ports: [{ protocol: 'TCP', endPort: 8080 }] }] }, ['spec.ingress[0].ports[0].endPort']],
  ['numeric string port is a bad port name', { ingress: [{ ports: [{ port: '80' }] }] }, ['spec.ingress[0].ports[0].port']],
  ['port 0', { ingress: [{ ports: [{ port: 0 }] }] }, ['spec.ingress[0].ports[0].port']],
  // ValidateObjectMeta.
  ['name missing', null as unknown as Obj, ['metadata.name']],
  // Strict field validation and wrong shapes.
  ['unknown spec field', { podSelecter: {} }, ['spec.podSelecter']],
  ['unknown peer field', { ingress: [{ from: [{ podSelector: {}, nameSpaceSelector: {} }] }] }, ['spec.ingress[0].from[0].nameSpaceSelector']],
  ['unknown rule field (to in ingress)', { ingress: [{ to: [] }] }, ['spec.ingress[0].to']],
  ['string where an object is expected', { podSelector: 'app=web' }, ['spec.podSelector']],
  ['ingress not a list', { ingress: { from: [] } }, ['spec.ingress']],
  ['In without values', { podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }, ['spec.podSelector.matchExpressions[0].values']],
  ['Exists with values', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }, ['spec.podSelector.matchExpressions[0].values']],
  ['unknown operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] } }, ['spec.podSelector.matchExpressions[0].operator']],
];

for (const [name, spec, paths] of errorCases) {
  test(`NetworkPolicy invalid: ${name}`, () => {
    const obj = spec === null ? { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'bar' } } : base(spec);
    const r = run(obj);
    assert.equal(r.np, undefined);
    assert.deepEqual(r.errors, paths, r.messages.join('\n'));
  });
}

test('NetworkPolicy: every problem of a document is reported together', () => {
  const r = run({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'Bad_Name', namespace: 'Bar' }, extra: 1,
    spec: { ingress: [{ ports: [{ port: 80, endPort: 79 }], from: [{}] }], policyTypes: ['Sideways'] },
  });
  assert.deepEqual(r.errors, ['extra', 'metadata.name', 'metadata.namespace', 'spec.ingress[0].ports[0].endPort', 'spec.ingress[0].from[0]', 'spec.policyTypes[0]']);
});

test('NetworkPolicy: messages name the bad value', () => {
  const r = run(base({ ingress: [{ ports: [{ port: 8080, endPort: 7000 }, { protocol: 'ICMP' }] }] }));
  assert.deepEqual(r.messages, [
    'spec.ingress[0].ports[0].endPort: invalid value 7000: must be greater than or equal to port (8080)',
    'spec.ingress[0].ports[1].protocol: unsupported value "ICMP": supported values: "TCP", "UDP", "SCTP"',
  ]);
});

// pkg/apis/networking/v1/defaults.go: SetDefaults_NetworkPolicySpec and _NetworkPolicyPort.
const defaultCases: Array<[string, Obj, string[]]> = [
  ['no policyTypes, no egress -> Ingress', { ingress: [{}] }, ['Ingress']],
  ['no policyTypes, egress rules -> Ingress, Egress', { egress: [{}] }, ['Ingress', 'Egress']],
  ['no policyTypes, empty egress list -> Ingress', { egress: [] }, ['Ingress']],
  ['empty policyTypes is defaulted too', { policyTypes: [], egress: [{}] }, ['Ingress', 'Egress']],
  ['explicit Egress only', { policyTypes: ['Egress'] }, ['Egress']],
];
for (const [name, spec, expected] of defaultCases) {
  test(`NetworkPolicy defaults: ${name}`, () => {
    assert.deepEqual(run(base(spec)).np?.policyTypes, expected);
  });
}

test('NetworkPolicy defaults: protocol TCP; namespace default', () => {
  const r = run({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { ingress: [{ ports: [{ port: 53 }] }] } });
  assert.equal(r.np?.ingress[0]?.ports?.[0]?.protocol, 'TCP');
  assert.equal(r.np?.metadata.namespace, 'default');
});

test('NetworkPolicy: rules of a direction not in policyTypes are ignored with a warning', () => {
  const r = run(base({ policyTypes: ['Egress'], ingress: [{}] }));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, ['spec.ingress']);
});
