// computeMatrix must agree with evaluate() on every cell (DESIGN.md: one reference
// model). A fast-check property compares both on random small clusters with tiers,
// deny/pass/log rules, named ports, CIDRs with except, IPv6 and host-network pods;
// named cases pin the matrix-specific rules (loopback cells, unresolved named ports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile, EngineError } from './compile.ts';
import type { CompiledCluster } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { computeMatrix } from './matrix.ts';
import type { Matrix, MatrixQuery } from './matrix.ts';
import { clusterArb, policySetArb, queryArb } from './random-policies.ts';
import { cluster, flow, node, pod, podsPeer, policy, policySet, port } from './test-builders.ts';
import { resolveQueryPort } from './pod-classes.ts';
import { internals } from './compile.ts';

/** The reference: one evaluate() per cell. */
function naiveCell(compiled: CompiledCluster, q: MatrixQuery, src: string, dst: string): boolean {
  const c = internals(compiled);
  const p = resolveQueryPort(c, c.podIndex(dst) ?? -1, q.port, q.protocol);
  if (p < 0) return false;
  return evaluate(compiled, flow(src, dst, p, q.protocol)).allowed;
}

function assertAgrees(compiled: CompiledCluster, q: MatrixQuery, m: Matrix): void {
  let count = 0;
  m.pods.forEach((src, i) => m.pods.forEach((dst, j) => {
    const want = naiveCell(compiled, q, src, dst);
    if (want) count++;
    assert.equal(m.allowed(i, j), want, `${src} -> ${dst} on ${q.protocol}/${q.port}`);
  }));
  assert.equal(m.countAllowed(), count);
}

test('matrix: property — computeMatrix equals evaluate() on every cell of random clusters', () => {
  fc.assert(fc.property(clusterArb, policySetArb, queryArb, (cl, ps, q) => {
    const compiled = compile(cl, ps);
    assertAgrees(compiled, q, computeMatrix(compiled, q));
  }), { numRuns: 400 });
});

test('matrix: property — a subset of pods gives the same cells as the full matrix', () => {
  fc.assert(fc.property(clusterArb, policySetArb, queryArb, fc.integer({ min: 0, max: 1000 }), (cl, ps, q, seed) => {
    const compiled = compile(cl, ps);
    const keys = cl.pods.map((p) => p.key).filter((_, i) => (seed >> (i % 10)) % 2 === 0);
    const sub = computeMatrix(compiled, { ...q, pods: keys });
    assert.deepEqual(sub.pods, keys);
    assertAgrees(compiled, q, sub);
  }), { numRuns: 150 });
});

const C = cluster({
  pods: [
    pod('x/a', { app: 'a' }, ['10.0.0.1'], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    pod('x/b', { app: 'b' }, ['10.0.0.2'], { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }),
    pod('x/c', { app: 'c' }, ['10.0.0.3']),
  ],
});

test('matrix: loopback cells are allowed under deny-all (DESIGN loopback)', () => {
  const compiled = compile(C, policySet([policy({ namespace: 'x', name: 'deny', ingress: [], egress: [] })]));
  const m = computeMatrix(compiled, { port: 80, protocol: 'TCP' });
  assert.deepEqual(m.pods, ['x/a', 'x/b', 'x/c']);
  assert.equal(m.allowed(0, 0), true);
  assert.equal(m.allowed(0, 1), false);
  assert.equal(m.countAllowed(), 3);
});

test('matrix: a named query port resolves per destination; a destination without it is false, even for itself', () => {
  const compiled = compile(C, policySet([policy({ namespace: 'x', name: 'p', ingress: [{ peers: [podsPeer('x', { app: 'a' })], ports: [port('TCP', 8000, 9000)] }] })]));
  const m = computeMatrix(compiled, { port: 'http', protocol: 'TCP' });
  assert.equal(m.allowed(0, 1), true, 'x/a -> x/b:http = 8080 in range');
  assert.equal(m.allowed(2, 1), false, 'x/c is not admitted');
  assert.equal(m.allowed(1, 0), false, 'x/a:http = 80 is outside the range');
  assert.equal(m.allowed(2, 2), false, 'x/c has no port named http');
  assert.equal(m.allowed(0, 0), true);
});

test('matrix: onProgress reports up to the total', () => {
  const compiled = compile(C, policySet([]));
  const calls: Array<[number, number]> = [];
  computeMatrix(compiled, { port: 80, protocol: 'TCP' }, (d, t) => calls.push([d, t]));
  const last = calls.at(-1);
  assert.ok(last !== undefined && last[0] === last[1] && last[1] > 0);
});

test('matrix: unknown or repeated pods are EngineErrors', () => {
  const compiled = compile(C, policySet([]));
  assert.throws(() => computeMatrix(compiled, { port: 80, protocol: 'TCP', pods: ['x/zz'] }), EngineError);
  assert.throws(() => computeMatrix(compiled, { port: 80, protocol: 'TCP', pods: ['x/a', 'x/a'] }), EngineError);
});

test('matrix: property — many classes (> 64, several bitset words) still equal evaluate()', () => {
  const N = 100;
  const pods = Array.from({ length: N }, (_, i) => pod(`n${i % 3}/p${i}`, { id: String(i), half: String(i % 2) }, i % 4 === 0 ? [`fd00::${i + 1}`] : [`10.0.${i >> 6}.${i % 64}`], { ports: i % 5 === 0 ? [] : [{ name: 'http', port: 80 + (i % 2), protocol: 'TCP' }] }));
  const cl = cluster({ pods });
  const ids = fc.subarray(Array.from({ length: N }, (_, i) => String(i)), { minLength: 1, maxLength: 40 });
  const rules = fc.array(fc.record({ action: fc.constantFrom('allow' as const, 'deny' as const, 'pass' as const), ids, named: fc.boolean() }), { minLength: 1, maxLength: 3 });
  const pol = fc.array(fc.record({ subject: ids, tier: fc.constantFrom('admin', 'default', 'baseline'), ingress: rules, egress: rules }), { minLength: 1, maxLength: 6 });
  fc.assert(fc.property(pol, fc.constantFrom<number | string>(80, 'http'), (specs, qport) => {
    const policies = specs.map((s, k) => policy({
      kind: 'ClusterNetworkPolicy', name: `c${k}`, tier: s.tier, order: k % 2, pods: { op: 'in', key: 'id', values: s.subject },
      ingress: s.ingress.map((r) => ({ action: s.tier === 'default' ? 'allow' as const : r.action, peers: [podsPeer({ kind: 'selector', selector: { op: 'all' } }, { op: 'in', key: 'id', values: r.ids })], ports: r.named ? [port('TCP', 'http')] : null })),
      egress: s.egress.map((r) => ({ action: s.tier === 'default' ? 'allow' as const : r.action, peers: [podsPeer({ kind: 'selector', selector: { op: 'all' } }, { op: 'in', key: 'id', values: r.ids })], ports: r.named ? [port('TCP', 'http')] : null })),
    }));
    const compiled = compile(cl, policySet(policies));
    const q: MatrixQuery = { port: qport, protocol: 'TCP' };
    assertAgrees(compiled, q, computeMatrix(compiled, q));
  }), { numRuns: 25 });
});

// kubernetes.io, Network Policies: "traffic to and from the node where a Pod is running is
// always allowed, regardless of the IP address of the Pod or the node". The matrix answers
// those cells per pair (classes don't know nodes); they must equal evaluate() and count.
test('matrix: host-network pods reach pods on their own node under deny-all, not pods elsewhere (own-node)', () => {
  const cl = cluster({
    pods: [
      pod('x/a', { app: 'a' }, ['10.0.0.1'], { node: 'n1', ports: [{ port: 80, protocol: 'TCP' }] }),
      pod('x/b', { app: 'b' }, ['10.0.0.2'], { node: 'n2', ports: [{ port: 80, protocol: 'TCP' }] }),
      pod('kube-system/agent-n1', {}, ['192.168.0.1'], { node: 'n1', hostNetwork: true, ports: [{ port: 80, protocol: 'TCP' }] }),
      pod('kube-system/agent-n2', {}, ['192.168.0.2'], { node: 'n2', hostNetwork: true, ports: [{ port: 80, protocol: 'TCP' }] }),
    ],
    nodes: [node('n1', {}, ['192.168.0.1']), node('n2', {}, ['192.168.0.2'])],
  });
  const compiled = compile(cl, policySet([policy({ namespace: 'x', name: 'deny-all', ingress: [], egress: [] })]));
  const m = computeMatrix(compiled, { port: 80, protocol: 'TCP' });
  let allowed = 0;
  m.pods.forEach((src, i) => m.pods.forEach((dst, j) => {
    const v = evaluate(compiled, flow(src, dst, 80, 'TCP'));
    assert.equal(m.allowed(i, j), v.allowed, `${src} -> ${dst}`);
    if (v.allowed) allowed++;
  }));
  assert.equal(m.countAllowed(), allowed);
  const at = (s: string, d: string) => m.allowed(m.pods.indexOf(s), m.pods.indexOf(d));
  assert.equal(at('kube-system/agent-n1', 'x/a'), true, 'own node → pod');
  assert.equal(at('x/a', 'kube-system/agent-n1'), true, 'pod → own node');
  assert.equal(at('kube-system/agent-n2', 'x/a'), false, 'another node → pod: deny-all');
  assert.equal(at('x/a', 'kube-system/agent-n2'), false, 'pod → another node: deny-all');
});
