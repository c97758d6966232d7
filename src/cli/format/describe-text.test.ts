// Golden tests of `describe`: the NetworkPolicy describer line for line as kubectl's
// (kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/describe/describe.go
// describeNetworkPolicy, printNetworkPolicySpecIngressFrom/EgressTo) on the seed 000
// demo-policy and on the remaining branches, plus the namespace describer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { camelSplit, describeNamespace, describeNetworkPolicy, goTimeString, rfc1123z, smartLabelFor } from './describe-text.ts';

const demoPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'demo-policy', namespace: 'demo', creationTimestamp: '2025-01-02T03:04:05Z',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: {
    podSelector: { matchLabels: { app: 'server' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
    policyTypes: ['Ingress'],
  },
};

test('seed 000 demo-policy: kubectl layout, last-applied annotation hidden, then the plain-words reading', () => {
  assert.equal(describeNetworkPolicy(demoPolicy, ['Applies to pods app=server in namespace demo.']), [
    'Name:         demo-policy',
    'Namespace:    demo',
    'Created on:   2025-01-02 03:04:05 +0000 UTC',
    'Labels:       <none>',
    'Annotations:  <none>',
    'Spec:',
    '  PodSelector:     app=server',
    '  Allowing ingress traffic:',
    '    To Port: 80/TCP',
    '    From:',
    '      PodSelector: app=client',
    '  Not affecting egress traffic',
    '  Policy Types: Ingress',
    '',
    'Palisade:',
    '  Applies to pods app=server in namespace demo.',
    '',
  ].join('\n'));
});

test('empty selector, no ingress rules, egress with a range, ipBlock, ns+pod peers, rule separators, labels', () => {
  const p = {
    metadata: { name: 'p', namespace: 'x', creationTimestamp: '2025-01-02T03:04:05Z', labels: { b: '2', a: '1' } },
    spec: {
      podSelector: {},
      ingress: [],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }], ports: [{ port: 8000, endPort: 9000, protocol: 'UDP' }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } }] },
        {},
      ],
      policyTypes: ['Ingress', 'Egress'],
    },
  };
  assert.equal(describeNetworkPolicy(p, []), [
    'Name:         p',
    'Namespace:    x',
    'Created on:   2025-01-02 03:04:05 +0000 UTC',
    'Labels:       a=1',
    '              b=2',
    'Annotations:  <none>',
    'Spec:',
    '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
    '  Allowing ingress traffic:',
    '    <none> (Selected pods are isolated for ingress connectivity)',
    '  Allowing egress traffic:',
    '    To Port Range: 8000-9000/UDP',
    '    To:',
    '      NamespaceSelector: ns=y',
    '      PodSelector: app',
    '    ----------',
    '    To Port: <any> (traffic allowed to all ports)',
    '    To:',
    '      IPBlock:',
    '        CIDR: 10.0.0.0/8',
    '        Except: 10.1.0.0/16, 10.2.0.0/16',
    '    ----------',
    '    To Port: <any> (traffic allowed to all ports)',
    '    To: <any> (traffic not restricted by destination)',
    '  Policy Types: Ingress, Egress',
    '',
  ].join('\n'));
});

test('namespace: labels, status, the quota and limit lines', () => {
  const ns = { metadata: { name: 'demo', labels: { 'kubernetes.io/metadata.name': 'demo' } }, status: { phase: 'Active' } };
  assert.equal(describeNamespace(ns), [
    'Name:         demo',
    'Labels:       kubernetes.io/metadata.name=demo',
    'Annotations:  <none>',
    'Status:       Active',
    '',
    'No resource quota.',
    '',
    'No LimitRange resource.',
    '',
  ].join('\n'));
});

test('Go time formats in UTC', () => {
  assert.equal(rfc1123z('2025-01-02T03:04:05Z'), 'Thu, 02 Jan 2025 03:04:05 +0000');
  assert.equal(goTimeString('2025-11-22T17:00:09Z'), '2025-11-22 17:00:09 +0000 UTC');
});

test('smartLabelFor turns field names into kubectl\'s describe labels (kubectl describe.go smartLabelFor, fatih/camelcase Split)', () => {
  const cases: Array<[string, string]> = [
    ['creationTimestamp', 'Creation Timestamp'],
    ['apiVersion', 'API Version'],
    ['uid', 'UID'],
    ['resourceVersion', 'Resource Version'],
    ['toCIDRSet', 'To CIDR Set'],
    ['endpointSelector', 'Endpoint Selector'],
    ['podIPs', 'Pod I Ps'],
    ['PDFLoader', 'PDF Loader'],
    ['ipv4', 'ipv4'],
    ['k8s:io.kubernetes.pod.namespace', 'k8s:io.kubernetes.pod.namespace'],
    ['foo-bar', 'Foo - Bar'],
    ['spec', 'Spec'],
  ];
  for (const [field, want] of cases) assert.equal(smartLabelFor(field), want, field);
  assert.deepEqual(camelSplit('toCIDRSet'), ['to', 'CIDR', 'Set']);
  assert.deepEqual(camelSplit('GL11Version'), ['GL', '11', 'Version']);
});
