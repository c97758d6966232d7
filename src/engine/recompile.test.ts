// recompile() must be indistinguishable from compile() on the changed cluster: every
// evaluate() verdict between pods, every matrix cell, every selecting() list and every
// analyze() finding agree, over random clusters and policies (random-policies.ts) and
// random chains of pod and policy changes (random-changes.ts), told which pods changed
// (PodChangeHint) or not, also with the previous pod array patched in place as the
// agent's pod patch does. recompile() takes over the previous compile's indexes: that one
// is retired (it throws instead of answering from indexes that moved on), and a
// recompile() from a retired one is a plain compile(), so branching stays exact. The
// cheap paths really are taken: unchanged pods keep their slots, the policy side is
// shared when only pods changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Cluster, Pod } from '../model/cluster.ts';
import type { PolicySet } from '../model/tier.ts';
import { analyze } from './analyze.ts';
import type { Compiled, CompiledCluster } from './compile.ts';
import { compile, internals } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { computeMatrix } from './matrix.ts';
import { applyChange, changeArb, compiles, podChangeArb } from './random-changes.ts';
import { clusterArb, policySetArb, queryArb } from './random-policies.ts';
import { recompile } from './recompile.ts';
import type { PodChangeHint } from './recompile.ts';
import { cluster, flow, ns, pod, podsPeer, policy, policySet } from './test-builders.ts';

function assertSame(got: CompiledCluster, want: CompiledCluster, q: { port: number | string; protocol: 'TCP' | 'UDP' }): void {
  const keys = want.cluster.pods.map((p) => p.key);
  assert.deepEqual(got.cluster.pods.map((p) => p.key), keys);
  for (const k of keys) {
    assert.equal(got.pod(k), want.pod(k), `pod ${k}`);
    assert.deepEqual(got.selecting(k, 'ingress'), want.selecting(k, 'ingress'), `selecting ${k} ingress`);
    assert.deepEqual(got.selecting(k, 'egress'), want.selecting(k, 'egress'), `selecting ${k} egress`);
  }
  for (const ip of ['10.0.0.1', '10.0.0.5', '10.0.0.9', 'fd00::1', '192.168.0.10']) assert.equal(got.podByIp(ip)?.key, want.podByIp(ip)?.key, `podByIp ${ip}`);
  for (const src of keys) {
    for (const dst of keys) {
      for (const [port, protocol] of [[80, 'TCP'], [53, 'UDP'], [8080, 'TCP']] as const) {
        assert.deepEqual(evaluate(got, flow(src, dst, port, protocol)), evaluate(want, flow(src, dst, port, protocol)), `${src} -> ${dst} ${protocol}/${port}`);
      }
    }
  }
  // Prepared peers (CIDR, network-set and service peers judge outside addresses through them).
  const g = internals(got);
  const w = internals(want);
  assert.equal(g.peers.size, w.peers.size, 'prepared peers');
  for (const [peer, prepared] of w.peers) {
    assert.equal(g.peers.get(peer)?.key, prepared.key, `prepared ${prepared.key}`);
    assert.deepEqual(g.peers.get(peer)?.nets, prepared.nets, `nets of ${prepared.key}`);
  }
  for (const src of keys) {
    for (const ip of ['10.0.0.5', '10.0.0.7', '8.8.8.8', '192.168.0.11', 'fd00::2']) {
      const out = { src: { kind: 'pod' as const, pod: src }, dst: { kind: 'ip' as const, ip }, protocol: 'TCP' as const, port: 80 };
      assert.deepEqual(evaluate(got, out), evaluate(want, out), `${src} -> ${ip}`);
      const into = { src: { kind: 'ip' as const, ip }, dst: { kind: 'pod' as const, pod: src }, protocol: 'TCP' as const, port: 80 };
      assert.deepEqual(evaluate(got, into), evaluate(want, into), `${ip} -> ${src}`);
    }
  }
  const a = computeMatrix(got, q);
  const b = computeMatrix(want, q);
  assert.deepEqual(a.pods, b.pods);
  a.pods.forEach((src, i) => a.pods.forEach((dst, j) => assert.equal(a.allowed(i, j), b.allowed(i, j), `matrix ${src} -> ${dst}`)));
  assert.deepEqual(analyze(got), analyze(want));
}

/** The hint for the pods of `keys`: each key's pod in `cl` now (undefined: gone). */
function hintOf(cl: Cluster, keys: Iterable<string>): PodChangeHint {
  const byKey = new Map(cl.pods.map((p) => [p.key, p]));
  return { pods: new Map([...keys].map((k) => [k, byKey.get(k)])) };
}

test('recompile: property — agrees with compile() after random chains of pod, policy and namespace changes (labels, created, deleted), told the changed pods or not; a compile taken over is retired', () => {
  let relabels = 0;
  let followed = 0;
  let lifecycles = 0;
  let lifecyclesFollowed = 0;
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, fc.array(changeArb, { minLength: 1, maxLength: 5 }), queryArb, (start, ps0, donors, changes, q) => {
    fc.pre(compiles(start, ps0));
    let prev = compile(start, ps0);
    let cl = start;
    let ps = ps0;
    const serial = { n: 0 };
    // Pod keys changed since `prev`, and whether the next recompile is told them.
    let pending = new Set<string>();
    let tell = true;
    for (const [k, ch] of changes.entries()) {
      const next = applyChange(cl, ps, ch, donors, serial);
      cl = next.cluster;
      ps = next.policies;
      if (next.key !== undefined) pending.add(next.key);
      tell &&= ch.tell;
      // Some changes come together (the agent coalesces events): compile after the next one.
      if (ch.ip % 3 === 0 && k + 1 < changes.length) continue;
      const hint = tell ? hintOf(cl, pending) : undefined;
      pending = new Set();
      tell = true;
      if (!compiles(cl, ps)) {
        assert.throws(() => recompile(prev, cl, ps, hint));
        return;
      }
      const names = (c: Cluster): string => c.namespaces.map((n) => n.name).join(',');
      const lifecycle = names(cl) !== names(prev.cluster);
      const relabelled = !lifecycle && cl.namespaces.some((n, i) => n.labels !== prev.cluster.namespaces[i]?.labels);
      const got = recompile(prev, cl, ps, hint);
      assertSame(got, compile(cl, ps), q);
      const before = prev as Compiled;
      if (internals(got).lineage === before.lineage) {
        assert.ok(before.retired);
        assert.throws(() => evaluate(prev, flow('a/b', 'c/d', 80)), /superseded by recompile/);
        if (relabelled) followed++;
        if (lifecycle) lifecyclesFollowed++;
      }
      if (relabelled) relabels++;
      if (lifecycle) lifecycles++;
      prev = got;
    }
  }), { numRuns: 300 });
  // Namespace relabels stay incremental unless something else in the batch is compile()'s.
  assert.ok(followed > relabels / 3, `${followed} of ${relabels} recompiles with relabelled namespaces kept the lineage`);
  // So do namespaces created or deleted: most of them (a batch with a change only compile() follows falls back).
  assert.ok(lifecyclesFollowed > (lifecycles * 3) / 4, `${lifecyclesFollowed} of ${lifecycles} recompiles with namespaces created or deleted kept the lineage`);
});

// The agent's pod patch splices the previous snapshot's pod array in place: recompile()
// must then go by the hint alone (the previous and the new list are the same array).
test('recompile: property — pod changes patched into the previous pod array in place, told by the hint, agree with compile()', () => {
  let recompiles = 0;
  let incremental = 0;
  fc.assert(fc.property(clusterArb, policySetArb, fc.array(fc.array(podChangeArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), queryArb, (start, ps, batches, q) => {
    const list: Pod[] = [...start.pods];
    const cl: Cluster = { ...start, pods: list };
    fc.pre(compiles(cl, ps));
    let prev = compile(cl, ps);
    const serial = { n: 0 };
    for (const batch of batches) {
      let now: Cluster = { ...cl, pods: [...list] };
      const keys = new Set<string>();
      for (const ch of batch) {
        const next = applyChange(now, ps, ch, ps, serial);
        now = next.cluster;
        if (next.key !== undefined) keys.add(next.key);
      }
      if (!compiles(now, ps)) return;
      list.splice(0, list.length, ...now.pods);
      const got = recompile(prev, cl, ps, hintOf(cl, keys));
      recompiles++;
      if (internals(got).lineage === (prev as Compiled).lineage) incremental++;
      assertSame(got, compile({ ...cl, pods: [...list] }, ps), q);
      prev = got;
    }
  }), { numRuns: 300 });
  // Most changes stay incremental (host-network pods, pod-only namespaces and shared addresses do not).
  assert.ok(incremental > recompiles / 3, `${incremental} of ${recompiles} recompiles took the hint path`);
});

test('recompile: property — a second change made from the same (now retired) compile is a compile() and agrees', () => {
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, changeArb, changeArb, changeArb, queryArb, (start, ps0, donors, a, b, c, q) => {
    fc.pre(compiles(start, ps0));
    const base = recompile(compile(start, ps0), start, ps0);
    const serial = { n: 0 };
    // One branch gets two changes, so both branches append to what they share.
    const one = applyChange(start, ps0, a, donors, serial);
    const two = applyChange(start, ps0, b, donors, serial);
    fc.pre(compiles(one.cluster, one.policies) && compiles(two.cluster, two.policies));
    const gotOne = recompile(base, one.cluster, one.policies);
    const gotTwo = recompile(base, two.cluster, two.policies);
    assertSame(gotTwo, compile(two.cluster, two.policies), q);
    const three = applyChange(two.cluster, two.policies, c, donors, serial);
    fc.pre(compiles(three.cluster, three.policies));
    const gotThree = recompile(gotTwo, three.cluster, three.policies);
    assertSame(gotOne, compile(one.cluster, one.policies), q);
    assertSame(gotThree, compile(three.cluster, three.policies), q);
  }), { numRuns: 150 });
});

/** A cluster of `n` pods in namespaces a/b, one NetworkPolicy per namespace. */
function bigCluster(n: number): { cl: Cluster; ps: PolicySet } {
  const pods: Pod[] = [];
  for (let i = 0; i < n; i++) pods.push(pod(`${i % 2 === 0 ? 'a' : 'b'}/p${i}`, { app: `app${i % 7}` }, [`10.1.${i >> 8}.${i & 255}`]));
  const cl = cluster({ pods, namespaces: [ns('a'), ns('b')] });
  const ps = policySet([
    policy({ name: 'web', namespace: 'a', pods: { app: 'app1' }, ingress: [{ peers: [podsPeer('b', { app: 'app2' })] }] }),
    policy({ name: 'deny', namespace: 'b', ingress: [] }),
  ]);
  return { cl, ps };
}

test('recompile: adding, replacing and removing a pod keeps every other pod in its slot and shares the policy side', () => {
  const { cl, ps } = bigCluster(2000);
  const prev = internals(compile(cl, ps));
  const added = pod('a/new', { app: 'app1' }, ['10.9.0.1']);
  const steps: Array<(pods: readonly Pod[]) => Pod[]> = [
    (pods) => [...pods.slice(0, 700), added, ...pods.slice(700)],
    (pods) => pods.map((p) => (p.key === 'b/p11' ? { ...p, labels: { app: 'app1' } } : p)),
    (pods) => pods.filter((p) => p.key !== 'a/p500'),
  ];
  const { enforced, peers } = prev;
  let c = prev;
  let pods = cl.pods;
  for (const step of steps) {
    pods = step(pods);
    const before = [...c.pods];
    const next = internals(recompile(c, { ...cl, pods }, ps));
    assert.equal(next.lineage, prev.lineage);
    assert.equal(next.enforced, enforced);
    assert.equal(next.peers, peers);
    let moved = 0;
    for (let s = 0; s < Math.min(next.pods.length, before.length); s++) if (next.pods[s] !== before[s]) moved++;
    assert.ok(moved <= 2, `${moved} slots changed`);
    assert.deepEqual(next.selecting('a/new', 'ingress').map((p) => p.id), compile({ ...cl, pods }, ps).selecting('a/new', 'ingress').map((p) => p.id));
    c = next;
  }
  assert.equal(c.pod('a/p500'), undefined);
  assert.equal(c.podByIp('10.1.1.244'), undefined, 'a/p500 had 10.1.1.244');
  assert.equal(c.pod('b/p11')?.labels['app'], 'app1');
});

test('recompile: a policy replaced in place renumbers nothing and recomputes only the pods it selects', () => {
  const { cl, ps } = bigCluster(400);
  const prev = internals(compile(cl, ps));
  const web = ps.policies[0];
  assert.ok(web !== undefined);
  const widened = { ...web, subject: { ...web.subject, pods: { op: 'in' as const, key: 'app', values: ['app1', 'app3'] } } };
  const ps2 = { tiers: ps.tiers, policies: [widened, ...ps.policies.slice(1)] };
  const at = prev.enforced.indexOf(web);
  const before = [...prev.pods];
  const prepared = new Map(prev.peers);
  const next = internals(recompile(prev, cl, ps2));
  assert.equal(next.enforced.indexOf(widened), at);
  assert.deepEqual([...next.pods], before, 'no pod changed: same slots');
  for (const peer of ps.policies[1]?.ingress?.rules.flatMap((r) => r.peers ?? []) ?? []) assert.equal(next.peers.get(peer), prepared.get(peer));
  assert.deepEqual(next.selecting('a/p10', 'ingress').map((p) => p.id), [widened.id]);
  assert.throws(() => prev.selecting('a/p10', 'ingress'), /superseded/, 'the previous compile is retired');
});

// Selection lists are interned and appended to as pods change; lists no pod uses any more
// are dropped once they outnumber the pods (a renumbering into a fresh store).
test('recompile: a pod churning through many selections leaves no pile of unused selection lists', () => {
  const keys = Array.from({ length: 11 }, (_, k) => `k${k}`);
  const ps = policySet(keys.map((k) => policy({ name: `p-${k}`, namespace: 'a', pods: { [k]: 'y' }, ingress: [] })));
  const base = [pod('a/fixed', {}, ['10.1.0.1'])];
  let cl = cluster({ pods: [...base, pod('a/churn', {}, ['10.1.0.2'])], namespaces: [ns('a')] });
  let c = internals(compile(cl, ps));
  for (let n = 1; n < 1500; n++) {
    // Labels from the bits of n: another set of selecting policies each time.
    const labels = Object.fromEntries(keys.filter((_, b) => ((n >> b) & 1) === 1).map((k) => [k, 'y']));
    cl = { ...cl, pods: [...base, pod('a/churn', labels, ['10.1.0.2'])] };
    c = internals(recompile(c, cl, ps));
  }
  assert.ok(c.selectionLists.length < 1100, `${c.selectionLists.length} lists`);
  const want = compile(cl, ps);
  assert.deepEqual(c.selecting('a/churn', 'ingress'), want.selecting('a/churn', 'ingress'));
  assert.deepEqual(c.selecting('a/fixed', 'ingress'), []);
});

test('recompile: another tier list, services, or a host-network pod change is a full compile', () => {
  const start = fc.sample(clusterArb, { numRuns: 1, seed: 5 })[0];
  const ps = fc.sample(policySetArb, { numRuns: 1, seed: 5 })[0];
  assert.ok(start !== undefined && ps !== undefined);
  const prev = internals(compile(start, ps));
  const cases: ReadonlyArray<{ name: string; cl: Cluster; ps: PolicySet }> = [
    { name: 'services', cl: { ...start, services: start.services.slice(1) }, ps },
    { name: 'tiers', cl: start, ps: { tiers: [...ps.tiers, { name: 'extra', order: 7, onNoMatch: 'next' }], policies: ps.policies } },
    { name: 'host-network pod', cl: { ...start, pods: [...start.pods, pod('n0/h', {}, ['192.168.0.10'], { hostNetwork: true, node: 'w1' })] }, ps },
  ];
  for (const c of cases) {
    const got = internals(recompile(prev, c.cl, c.ps));
    assert.notEqual(got.lineage, prev.lineage, c.name);
  }
  assert.equal(internals(recompile(prev, { ...start, pods: [...start.pods, pod('n1/x', {}, ['10.0.0.77'])] }, ps)).lineage, prev.lineage, 'a pod change keeps the lineage');
});

// What recompile() can check of a hint cheaply: a hint that visibly breaks its contract
// is a compile() (new lineage), and still exact.
test('recompile: a hint naming a pod under another key, or not adding up to the pod count, is a full compile', () => {
  const { cl, ps } = bigCluster(200);
  const added = pod('a/new', { app: 'app1' }, ['10.9.0.1']);
  const withAdded = { ...cl, pods: [...cl.pods, added] };
  const cases: ReadonlyArray<{ name: string; cl: Cluster; hint: PodChangeHint }> = [
    { name: 'pod under another key', cl: withAdded, hint: { pods: new Map([['a/other', added]]) } },
    { name: 'an added pod left out of the hint', cl: withAdded, hint: { pods: new Map() } },
    { name: 'a removal the list does not have', cl, hint: { pods: new Map([['a/p4', undefined]]) } },
  ];
  for (const c of cases) {
    const prev = internals(compile(cl, ps));
    const got = internals(recompile(prev, c.cl, ps, c.hint));
    assert.notEqual(got.lineage, prev.lineage, c.name);
    assert.deepEqual(got.pods.map((p) => p.key), c.cl.pods.map((p) => p.key), c.name);
  }
  const prev = internals(compile(cl, ps));
  const got = internals(recompile(prev, withAdded, ps, { pods: new Map([['a/new', added]]) }));
  assert.equal(got.lineage, prev.lineage, 'an exact hint keeps the lineage');
  assert.equal(got.pod('a/new'), added);
});
