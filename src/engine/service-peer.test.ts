// Table-driven semantics of service peers (Cilium egress toServices): a remote pod matches
// when it backs a Service the peer names (k8sService) or selects by Service labels
// (k8sServiceSelector), i.e. the Service's selector labels are all on the pod and the pod
// is in the Service's namespace. Services without a selector have no backends here.
// Cilium: https://docs.cilium.io/en/stable/security/policy/language/#services-based
// Kubernetes (selector → endpoints): https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Peer } from '../model/peer.ts';
import { analyze } from './analyze.ts';
import { compile, peerKey } from './compile.ts';
import { describePeer } from './describe.ts';
import { evaluate } from './evaluate.ts';
import { cluster, flow, ns, pod, policy, policySet, service, servicePeer } from './test-builders.ts';

const CLUSTER = cluster({
  namespaces: [ns('x'), ns('y')],
  pods: [
    pod('x/client', { app: 'client' }, ['10.0.0.1']),
    pod('x/db-1', { app: 'db', tier: 'data' }, ['10.0.0.2']),
    pod('x/db-other', { app: 'db' }, ['10.0.0.3']),
    pod('x/web', { app: 'web' }, ['10.0.0.4']),
    pod('y/db-1', { app: 'db', tier: 'data' }, ['10.0.1.2']),
    pod('y/legacy', { app: 'legacy' }, ['10.0.1.3']),
    pod('x/db-host', { app: 'db', tier: 'data' }, ['192.168.0.10'], { hostNetwork: true, node: 'n1' }),
  ],
  services: [
    service('x/db', { exposed: 'yes' }, { app: 'db', tier: 'data' }),
    service('x/web', { exposed: 'no' }, { app: 'web' }),
    service('y/db', { exposed: 'yes' }, { app: 'db', tier: 'data' }),
    // Endpoints managed by hand: not modelled, so no backend.
    service('y/legacy', { exposed: 'yes' }, undefined),
  ],
});

interface Case {
  readonly name: string;
  readonly peer: Peer;
  readonly dst: string;
  readonly allowed: boolean;
}

const CASES: readonly Case[] = [
  { name: 'k8sService by name: a pod carrying every selector label is a backend', peer: servicePeer('x', { name: 'db' }), dst: 'x/db-1', allowed: true },
  { name: 'k8sService by name: a pod missing one selector label is not', peer: servicePeer('x', { name: 'db' }), dst: 'x/db-other', allowed: false },
  { name: 'k8sService by name: backends of another Service are not matched', peer: servicePeer('x', { name: 'db' }), dst: 'x/web', allowed: false },
  { name: 'k8sService by name: a pod with the labels in another namespace is not a backend', peer: servicePeer('x', { name: 'db' }), dst: 'y/db-1', allowed: false },
  { name: 'k8sService in another namespace: that namespace\'s backends', peer: servicePeer('y', { name: 'db' }), dst: 'y/db-1', allowed: true },
  { name: 'k8sService naming no Service: nothing', peer: servicePeer('x', { name: 'missing' }), dst: 'x/db-1', allowed: false },
  { name: 'k8sServiceSelector with namespace: Services of that namespace whose labels match', peer: servicePeer('x', { selector: { exposed: 'yes' } }), dst: 'x/db-1', allowed: true },
  { name: 'k8sServiceSelector with namespace: Services whose labels do not match are left out', peer: servicePeer('x', { selector: { exposed: 'yes' } }), dst: 'x/web', allowed: false },
  { name: 'k8sServiceSelector with namespace: other namespaces\' Services are left out', peer: servicePeer('x', { selector: { exposed: 'yes' } }), dst: 'y/db-1', allowed: false },
  { name: 'k8sServiceSelector without namespace: matching Services of every namespace', peer: servicePeer(null, { selector: { exposed: 'yes' } }), dst: 'y/db-1', allowed: true },
  { name: 'Service without a selector: no backend, even for a pod its name suggests', peer: servicePeer('y', { name: 'legacy' }), dst: 'y/legacy', allowed: false },
  { name: 'host-network pods are never service backends here (they count as their node)', peer: servicePeer('x', { name: 'db' }), dst: 'x/db-host', allowed: false },
];

for (const c of CASES) {
  test(`service peer: ${c.name}`, () => {
    const p = policy({ namespace: 'x', name: 'to-svc', pods: { app: 'client' }, egress: [{ peers: [c.peer] }] });
    const v = evaluate(compile(CLUSTER, policySet([p])), flow('x/client', c.dst, 5432));
    assert.equal(v.allowed, c.allowed, v.egress.message);
    if (c.allowed) assert.equal(v.egress.reason, 'rule', v.egress.message);
  });
}

test('service peer: the ports of the rule apply to the backend port (toPorts match the pod port)', () => {
  const p = policy({ namespace: 'x', name: 'to-svc', pods: { app: 'client' }, egress: [{ peers: [servicePeer('x', { name: 'db' })], ports: [{ protocol: 'TCP', ports: { kind: 'range', from: 5432, to: 5432 }, path: '' }] }] });
  const compiled = compile(CLUSTER, policySet([p]));
  assert.equal(evaluate(compiled, flow('x/client', 'x/db-1', 5432)).allowed, true);
  assert.equal(evaluate(compiled, flow('x/client', 'x/db-1', 80)).allowed, false);
});

test('service peer: canonical keys tell name, selector and namespace apart', () => {
  const keys = [servicePeer('x', { name: 'db' }), servicePeer(null, { name: 'db' }), servicePeer('x', { selector: { app: 'db' } }), servicePeer(null, { selector: { app: 'db' } })].map(peerKey);
  assert.equal(new Set(keys).size, 4);
  assert.equal(peerKey(servicePeer('x', { name: 'db' })), peerKey({ ...servicePeer('x', { name: 'db' }), path: 'elsewhere' }));
});

test('service peer: describe names the Service and its namespace', () => {
  assert.equal(describePeer(servicePeer('x', { name: 'db' })), 'backends of Service db in namespace x');
  assert.equal(describePeer(servicePeer(null, { selector: {} })), 'backends of every Service in all namespaces');
});

test('service peer: analyze warns about selector-less Services and rules that match no Service', () => {
  const p = policy({ namespace: 'x', name: 'to-svc', pods: { app: 'client' }, egress: [{ peers: [servicePeer('y', { name: 'legacy' })] }, { peers: [servicePeer(null, { selector: { exposed: 'yes' } })] }] });
  const findings = analyze(compile(CLUSTER, policySet([p])));
  const codes = findings.map((f) => `${f.code} ${f.path ?? ''}`).sort();
  assert.deepEqual(codes, [
    'rule-never-matches spec.egress[0]',
    'service-without-selector spec.egress[0].to[0]',
    'service-without-selector spec.egress[1].to[0]',
  ]);
  assert.match(findings.find((f) => f.path === 'spec.egress[1].to[0]')?.message ?? '', /y\/legacy without a selector/);
});
