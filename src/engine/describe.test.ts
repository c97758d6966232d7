// describePolicy / describeSelector: plain-words output for `palisade explain`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Selector } from '../model/selector.ts';
import { SELECT_ALL } from '../model/selector.ts';
import { describePolicy, describeSelector } from './describe.ts';
import { cidrPeer, entityPeer, nsSel, podsPeer, policy, port } from './test-builders.ts';

const selectorCases: Array<[string, Selector, string]> = [
  ['SELECT_ALL', SELECT_ALL, 'all pods'],
  ['matchLabels + In + DoesNotExist', { op: 'and', of: [{ op: 'in', key: 'app', values: ['server'] }, { op: 'in', key: 'tier', values: ['a', 'b'] }, { op: 'notExists', key: 'debug' }] }, 'app=server, tier in (a, b), !debug'],
  ['NotIn single value', { op: 'notIn', key: 'env', values: ['prod'] }, 'env!=prod'],
  ['Exists', { op: 'exists', key: 'debug' }, 'debug'],
  ['Calico or', { op: 'or', of: [{ op: 'in', key: 'a', values: ['1'] }, { op: 'and', of: [{ op: 'exists', key: 'b' }, { op: 'exists', key: 'c' }] }] }, 'a=1 or (b, c)'],
];
for (const [name, s, want] of selectorCases) {
  test(`describeSelector: ${name}`, () => assert.equal(describeSelector(s), want));
}

test('describePolicy: K8s NetworkPolicy with one ingress rule', () => {
  const p = policy({ namespace: 'demo', name: 'p', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 80)] }] });
  assert.deepEqual(describePolicy(p), [
    'Applies to pods app=server in namespace demo.',
    'Evaluated in tier default at order 1000.',
    'Ingress: isolated; allows from pods app=client in namespace demo on TCP/80.',
    'Egress: not affected.',
  ]);
});

test('describePolicy: several rules, actions, CIDR except, entity, named and ranged ports', () => {
  const p = policy({
    kind: 'ClusterNetworkPolicy', name: 'c', tier: 'admin', order: 5, namespaces: nsSel({ team: 'a' }), staged: true,
    egress: [
      { action: 'deny', peers: [cidrPeer('10.0.0.0/8', ['10.1.0.0/16'])], ports: [port('TCP', 8000, 8080), port('UDP', 'dns')] },
      { action: 'pass', peers: [entityPeer('world')] },
      { action: 'allow', peers: [] },
    ],
  });
  assert.deepEqual(describePolicy(p), [
    'Applies to all pods in namespaces team=a.',
    'Evaluated in tier admin at order 5.',
    'Staged: evaluated for reports only, never enforced.',
    'Ingress: not affected.',
    'Egress: isolated; 3 rules, first match wins:',
    '  1. denies to 10.0.0.0/8 except 10.1.0.0/16 on TCP/8000-8080 or UDP port named dns.',
    '  2. passes to the next tier to entity world on any port.',
    '  3. allows to no peer (never matches) on any port.',
  ]);
});

test('describePolicy: which cluster addresses a CIDR peer leaves out (Cilium: pods, and nodes unless policy-cidr-match-mode=nodes)', () => {
  const p = policy({ namespace: 'x', name: 'c', egress: [{ peers: [cidrPeer('0.0.0.0/0', [], false, false), cidrPeer('10.0.0.0/8', [], false, true), cidrPeer('192.168.0.0/16', [], true, false)] }] });
  assert.equal(describePolicy(p).at(3), 'Egress: isolated; allows to 0.0.0.0/0 (addresses outside the cluster only) or 10.0.0.0/8 (not pod addresses) or 192.168.0.0/16 (not node addresses) on any port.');
});

test('describePolicy: default deny has no rules', () => {
  assert.deepEqual(describePolicy(policy({ namespace: 'x', name: 'd', ingress: [] })).at(2), 'Ingress: isolated; no rules, so nothing is allowed by this policy.');
});
