// Equal priorities in a ClusterNetworkPolicy tier: upstream leaves the outcome to the
// implementation ("the implementation can apply any of the matching policies",
// kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go
// Priority; conformance/tests/admin-network-policy-standard-same-priority.go only checks
// that both apply). Palisade walks them by id (name) and the analyzer warns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot } from '../src/api/snapshot.ts';
import { analyze } from '../src/engine/analyze.ts';
import { compile } from '../src/engine/compile.ts';
import { evaluate } from '../src/engine/evaluate.ts';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { house: name } } });
const pod = (namespace: string, ip: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name: 'p', labels: { app: 'p' } },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
});
const cnp = (name: string, action: string, priority = 20) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name },
  spec: { tier: 'Admin', priority, subject: { namespaces: { matchLabels: { house: 'a' } } }, ingress: [{ name: `${action}-b`, action, from: [{ namespaces: { matchLabels: { house: 'b' } } }] }] },
});

function run(objects: unknown[]) {
  const snap = buildSnapshot(objects.map((object, index) => ({ source: 'test', index, object })));
  assert.deepEqual(snap.problems, []);
  const compiled = compile(snap.cluster, snap.policies);
  return { compiled, findings: analyze(compiled) };
}

const cluster = [ns('a'), ns('b'), pod('a', '10.70.0.1'), pod('b', '10.70.0.2')];

test('equal-priority Admin CNPs with different actions: the analyzer warns (equal-order-overlap) and the name decides', () => {
  const { compiled, findings } = run([...cluster, cnp('z-accept', 'Accept'), cnp('a-deny', 'Deny')]);
  const overlap = findings.filter((f) => f.code === 'equal-order-overlap');
  assert.equal(overlap.length, 1, JSON.stringify(findings));
  assert.match(overlap[0]?.message ?? '', /ClusterNetworkPolicy a-deny and ClusterNetworkPolicy z-accept have the same order 20/);
  const v = evaluate(compiled, { src: { kind: 'pod', pod: 'b/p' }, dst: { kind: 'pod', pod: 'a/p' }, protocol: 'TCP', port: 80 });
  assert.equal(v.allowed, false, 'a-deny sorts first by name');
});

test('equal-priority CNPs with the same action, or different priorities: no warning', () => {
  assert.deepEqual(run([...cluster, cnp('x', 'Deny'), cnp('y', 'Deny')]).findings.filter((f) => f.code === 'equal-order-overlap'), []);
  assert.deepEqual(run([...cluster, cnp('x', 'Deny', 1), cnp('y', 'Accept', 2)]).findings.filter((f) => f.code === 'equal-order-overlap'), []);
});
