// recompile() must be indistinguishable from compile() on the changed cluster: every
// evaluate() verdict between pods, every matrix cell and every selecting() list agree,
// over random clusters and policies (random-policies.ts) and random pod changes —
// relabels, address changes, additions (also host-network and in namespaces only pods
// name), removals — chained over several steps, with the change hint sometimes
// incomplete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Cluster, Pod } from '../model/cluster.ts';
import type { PolicySet } from '../model/tier.ts';
import type { CompiledCluster } from './compile.ts';
import { compile, internals } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { computeMatrix } from './matrix.ts';
import { clusterArb, policySetArb, queryArb } from './random-policies.ts';
import { recompile } from './recompile.ts';
import { flow, pod } from './test-builders.ts';

const labelsArb = fc.record({ app: fc.constantFrom('x', 'y', undefined), env: fc.constantFrom('p', 'd', undefined) })
  .map(({ app, env }) => ({ ...(app === undefined ? {} : { app }), ...(env === undefined ? {} : { env }) }));

const changeArb = fc.record({
  op: fc.constantFrom('relabel', 'relabel', 'readdress', 'add', 'add', 'remove', 'add-host', 'add-pod-only-ns'),
  at: fc.nat(),
  labels: labelsArb,
  ip: fc.integer({ min: 1, max: 40 }),
  tell: fc.boolean(),
});
type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

let serial = 0;

/** The cluster after one change (untouched pods stay the same objects) and the changed key. */
function applyChange(cl: Cluster, ch: Change): { cluster: Cluster; key: string | undefined } {
  const pods = [...cl.pods];
  const at = pods.length === 0 ? 0 : ch.at % pods.length;
  const target = pods[at];
  const v4 = `10.0.0.${ch.ip}`;
  let key: string | undefined;
  switch (ch.op) {
    case 'relabel':
      if (target === undefined) break;
      pods[at] = { ...target, labels: ch.labels };
      key = target.key;
      break;
    case 'readdress':
      if (target === undefined || target.hostNetwork) break;
      pods[at] = { ...target, ips: [v4] };
      key = target.key;
      break;
    case 'remove':
      if (target === undefined) break;
      pods.splice(at, 1);
      key = target.key;
      break;
    default: {
      const ns = ch.op === 'add-pod-only-ns' ? 'solo' : (['n0', 'n1', 'n2'][ch.ip % 3] ?? 'n0');
      const added: Pod = ch.op === 'add-host'
        ? pod(`${ns}/new${serial++}`, ch.labels, ['192.168.0.10'], { hostNetwork: true, node: 'w1' })
        : pod(`${ns}/new${serial++}`, ch.labels, [v4], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
      pods.splice(at, 0, added);
      key = added.key;
    }
  }
  return { cluster: { ...cl, pods }, key };
}

function assertSame(got: CompiledCluster, want: CompiledCluster, q: { port: number | string; protocol: 'TCP' | 'UDP' }): void {
  const keys = want.cluster.pods.map((p) => p.key);
  assert.deepEqual(got.cluster.pods.map((p) => p.key), keys);
  for (const k of keys) {
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
  const a = computeMatrix(got, q);
  const b = computeMatrix(want, q);
  assert.deepEqual(a.pods, b.pods);
  a.pods.forEach((src, i) => a.pods.forEach((dst, j) => assert.equal(a.allowed(i, j), b.allowed(i, j), `matrix ${src} -> ${dst}`)));
}

function compiles(cl: Cluster, ps: PolicySet): boolean {
  try {
    compile(cl, ps);
    return true;
  } catch {
    return false;
  }
}

test('recompile: property — agrees with compile() after random pod changes, chained', () => {
  fc.assert(fc.property(clusterArb, policySetArb, fc.array(changeArb, { minLength: 1, maxLength: 4 }), queryArb, (start, ps, changes, q) => {
    fc.pre(compiles(start, ps));
    let prev = compile(start, ps);
    let cl = start;
    for (const ch of changes) {
      const { cluster: next, key } = applyChange(cl, ch);
      cl = next;
      const hint = new Set(key !== undefined && ch.tell ? [key] : []);
      if (!compiles(cl, ps)) {
        assert.throws(() => recompile(prev, cl, ps, hint));
        return;
      }
      const got = recompile(prev, cl, ps, hint);
      assertSame(got, compile(cl, ps), q);
      prev = got;
    }
  }), { numRuns: 300 });
});

test('recompile: a relabel shares the policy side and the pod indexes of the previous compile', () => {
  const ps: PolicySet = fc.sample(policySetArb.filter((p) => p.policies.length > 0), { numRuns: 1, seed: 7 })[0] ?? { tiers: [], policies: [] };
  const start = fc.sample(clusterArb, { numRuns: 1, seed: 7 })[0];
  assert.ok(start !== undefined && start.pods[0] !== undefined);
  const prev = internals(compile(start, ps));
  const first = start.pods[0];
  const relabelled: Cluster = { ...start, pods: start.pods.map((p, i) => (i === 0 ? { ...first, labels: { app: 'x' } } : p)) };
  const got = internals(recompile(prev, relabelled, ps, new Set([first.key])));
  assert.equal(got.peers, prev.peers);
  assert.equal(got.enforced, prev.enforced);
  assert.equal(got.podIps, prev.podIps);
  assert.notEqual(got.selIngress, prev.selIngress, 'the previous selection arrays are not written to');
});

test('recompile: another policy set is a full compile', () => {
  const start = fc.sample(clusterArb, { numRuns: 1, seed: 3 })[0];
  assert.ok(start !== undefined);
  const prev = internals(compile(start, { tiers: [], policies: [] }));
  const ps = fc.sample(policySetArb.filter((p) => p.policies.length > 0), { numRuns: 1, seed: 3 })[0];
  assert.ok(ps !== undefined);
  const got = internals(recompile(prev, start, ps, new Set()));
  assert.notEqual(got.enforced, prev.enforced);
  assert.equal(got.policies, ps);
});

test('recompile: other services (service peers are prepared from them) is a full compile', () => {
  const start = fc.sample(clusterArb, { numRuns: 1, seed: 5 })[0];
  const ps = fc.sample(policySetArb, { numRuns: 1, seed: 5 })[0];
  assert.ok(start !== undefined && ps !== undefined);
  const prev = internals(compile(start, ps));
  const got = internals(recompile(prev, { ...start, services: start.services.slice(1) }, ps, new Set()));
  assert.notEqual(got.peers, prev.peers);
});
