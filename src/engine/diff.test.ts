// diffConnectivity: the cells that flip between two snapshots, with verdicts that
// explain both sides; pods present in only one snapshot are listed, not compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile } from './compile.ts';
import { diffConnectivity } from './diff.ts';
import { computeMatrix } from './matrix.ts';
import { clusterArb, policySetArb, queryArb } from './random-policies.ts';
import { cluster, pod, podsPeer, policy, policySet, port } from './test-builders.ts';

const before = cluster({ pods: [pod('x/a', { app: 'a' }, ['10.0.0.1']), pod('x/b', { app: 'b' }, ['10.0.0.2']), pod('x/old', {}, ['10.0.0.9'])] });
const after = cluster({ pods: [pod('x/a', { app: 'a' }, ['10.0.0.1']), pod('x/b', { app: 'b' }, ['10.0.0.2']), pod('x/new', {}, ['10.0.0.8'])] });

test('diff: adding an allow-list ingress policy (K8s: selecting isolates) flips the cells it no longer admits, with verdicts', () => {
  const d = diffConnectivity(
    compile(before, policySet([])),
    compile(after, policySet([policy({ namespace: 'x', name: 'allow-a', ingress: [{ peers: [podsPeer('x', { app: 'a' })], ports: [port('TCP', 80)] }] })])),
    [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }],
  );
  assert.deepEqual(d.podsOnlyBefore, ['x/old']);
  assert.deepEqual(d.podsOnlyAfter, ['x/new']);
  assert.deepEqual(d.changes.map((c) => `${c.src}->${c.dst}:${c.port} ${c.before}->${c.after}`), [
    'x/b->x/a:80 true->false',
    'x/a->x/b:443 true->false', 'x/b->x/a:443 true->false',
  ]);
  const first = d.changes[0];
  assert.equal(first?.beforeVerdict?.ingress.reason, 'not-selected');
  assert.equal(first?.afterVerdict?.ingress.reason, 'tier-default');
});

test('diff: identical snapshots have no changes', () => {
  const ps = policySet([policy({ namespace: 'x', name: 'deny', ingress: [] })]);
  assert.deepEqual(diffConnectivity(compile(before, ps), compile(before, ps), [{ port: 80, protocol: 'TCP' }]).changes, []);
});

test('diff: property — changes are exactly the cells where the two matrices differ', () => {
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, queryArb, (cl, p1, p2, q) => {
    const b = compile(cl, p1);
    const a = compile(cl, p2);
    const d = diffConnectivity(b, a, [q]);
    const mb = computeMatrix(b, q);
    const ma = computeMatrix(a, q);
    let flips = 0;
    mb.pods.forEach((_, i) => mb.pods.forEach((__, j) => { if (mb.allowed(i, j) !== ma.allowed(i, j)) flips++; }));
    assert.equal(d.changes.length, flips);
    for (const c of d.changes) {
      assert.equal(c.beforeVerdict?.allowed ?? false, c.before);
      assert.equal(c.afterVerdict?.allowed ?? false, c.after);
    }
  }), { numRuns: 100 });
});

test('diff: progress is reported per matrix, ascending, ending at the total', () => {
  const seen: Array<[number, number]> = [];
  const ps = policySet([policy({ namespace: 'x', name: 'deny', ingress: [] })]);
  diffConnectivity(compile(before, policySet([])), compile(after, ps), [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'UDP' }],
    (done, total) => seen.push([done, total]));
  assert.ok(seen.length >= 2);
  assert.ok(seen.every(([, total]) => total === 4000));
  assert.ok(seen.every(([done], i) => i === 0 || done >= seen[i - 1]![0]));
  assert.deepEqual(seen.at(-1), [4000, 4000]);
});
