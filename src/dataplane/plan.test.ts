// plan() must make the kernel enforce exactly what evaluate() says (DESIGN.md "one
// reference model"). walkPacket() interprets a planned table the way nftables does; the
// property runs random clusters and policy sets (engine/random-policies.ts: tiers,
// deny/pass/log, named ports, endPort, ipBlock except, IPv6, host-network pods, network
// sets) through plan on one node and on two nodes, and compares every packet with
// evaluate() on the same addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile } from '../engine/compile.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import { evaluate } from '../engine/evaluate.ts';
import { clusterArb, policySetArb } from '../engine/random-policies.ts';
import { cluster, ns, pod, podsPeer, policy, policySet, port } from '../engine/test-builders.ts';
import type { Cluster } from '../model/cluster.ts';
import { parseIp } from '../model/ip.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import { nonPortPolicies } from './non-port.ts';
import { walkPacket } from './packet-walk.ts';
import type { Packet } from './packet-walk.ts';
import { plan } from './plan.ts';
import type { Ruleset } from './ruleset.ts';
import { elementsOf } from './render.ts';

const PORTS = [0, 52, 53, 54, 79, 80, 81, 8080, 8081, 65535];
const OUTSIDE = ['10.0.0.5', '10.0.0.9', '8.8.8.8', '192.168.0.10', '192.168.0.11', '192.168.0.50', 'fd00::2', 'fd00::9', 'fd00:1::11', '2001:db8::1'];

/** Which node's table a packet from/to this address goes through: a non host-network pod's node. */
function nodeOf(cl: Cluster, ip: string): string | undefined {
  const p = cl.pods.find((x) => !x.hostNetwork && x.ips.includes(ip));
  return p === undefined ? undefined : (p.node ?? '');
}

function addresses(cl: Cluster): string[] {
  return [...new Set([...cl.pods.flatMap((p) => p.ips), ...OUTSIDE])];
}

/** Walks a packet through the source's node, then the destination's (if another). */
function walkThrough(cl: Cluster, tables: ReadonlyMap<string, Ruleset>, pk: Packet): { allowed: boolean; target?: number; at?: Ruleset } {
  const nodes = [nodeOf(cl, pk.src), nodeOf(cl, pk.dst)].filter((n): n is string => n !== undefined);
  for (const n of new Set(nodes)) {
    const rs = tables.get(n);
    if (rs === undefined) throw new Error(`no table for node ${n}`);
    const r = walkPacket(rs, pk);
    if (r.verdict === 'drop') return r.target === undefined ? { allowed: false, at: rs } : { allowed: false, target: r.target, at: rs };
  }
  return { allowed: true };
}

function assertAgrees(compiled: CompiledCluster, nonPort: CompiledCluster, cl: Cluster, tables: ReadonlyMap<string, Ruleset>, ports: readonly number[] = PORTS): number {
  let checked = 0;
  const all = addresses(cl);
  for (const src of all) {
    for (const dst of all) {
      if (src === dst || parseIp(src)?.family !== parseIp(dst)?.family) continue;
      const sp = cl.pods.find((p) => !p.hostNetwork && p.ips.includes(src));
      if (sp !== undefined && sp === cl.pods.find((p) => !p.hostNetwork && p.ips.includes(dst))) continue; // loopback stays in the pod
      for (const protocol of PROTOCOLS) {
        for (const p of ports) {
          const v = evaluate(compiled, { src: { kind: 'ip', ip: src }, dst: { kind: 'ip', ip: dst }, protocol, port: p });
          const w = walkThrough(cl, tables, { src, dst, protocol, port: p });
          assert.equal(w.allowed, v.allowed, `${src} -> ${dst} ${protocol}/${p}: dataplane ${w.allowed ? 'accepts' : 'drops'}, engine says ${v.egress.message} / ${v.ingress.message}`);
          if (!w.allowed && w.at !== undefined) {
            const side = v.egress.allowed ? v.ingress : v.egress;
            const key = w.at.dropTargets.find((t) => t.index === w.target)?.key;
            if (side.decidedBy !== undefined) assert.equal(key, side.decidedBy.policyId, `${src} -> ${dst} ${protocol}/${p}: drop attributed to ${key}`);
          }
          checked++;
        }
      }
      // ICMP and other protocols without ports (non-port.ts).
      const v = evaluate(nonPort, { src: { kind: 'ip', ip: src }, dst: { kind: 'ip', ip: dst }, protocol: 'TCP', port: 0 });
      assert.equal(walkThrough(cl, tables, { src, dst, protocol: 'other', port: 0 }).allowed, v.allowed, `${src} -> ${dst} without ports`);
    }
  }
  return checked;
}

test('plan: property — one node holding every pod enforces exactly evaluate() for every packet', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl, ps) => {
    const compiled = compile(cl, ps);
    const rs = plan(compiled, { node: '', localPods: 'all' });
    const tables = new Map([['', rs]]);
    const nodeless: Cluster = { ...cl, pods: cl.pods.map((p) => (p.hostNetwork ? p : { ...p, node: '' })) };
    assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), nodeless, tables);
  }), { numRuns: 60 });
});

test('plan: property — pods spread over two nodes: egress judged at the source node, ingress at the destination node', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl0, ps) => {
    const cl: Cluster = { ...cl0, pods: cl0.pods.map((p, i) => (p.hostNetwork ? p : { ...p, node: i % 2 === 0 ? 'w1' : 'c1' })) };
    const compiled = compile(cl, ps);
    const tables = new Map(['w1', 'c1'].map((n) => [n, plan(compiled, { node: n })]));
    assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, tables);
  }), { numRuns: 60 });
});

test('plan: property — replanning with the previous numbering reproduces every element', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl, ps) => {
    const compiled = compile(cl, ps);
    const first = plan(compiled, { node: '', localPods: 'all' });
    const again = plan(compile(cl, ps), { node: '', localPods: 'all' }, first.numbering);
    assert.deepEqual(elementsOf(again), elementsOf(first));
  }), { numRuns: 40 });
});

// The agent passes the previous Ruleset so that classes and decision rows are reused
// (plan.ts); reuse must never change the result: after a pod takes another pod's labels
// (and back), planning with the previous Ruleset equals planning with its numbering only.
test('plan: property — re-planning with the previous ruleset (cached rows and classes) equals planning from its numbering', () => {
  fc.assert(fc.property(clusterArb, policySetArb, fc.nat(), fc.nat(), fc.boolean(), (cl0, ps, a, b, two) => {
    const cl: Cluster = two ? { ...cl0, pods: cl0.pods.map((p, i) => (p.hostNetwork ? p : { ...p, node: i % 2 === 0 ? 'w1' : 'c1' })) } : cl0;
    const target = two ? { node: 'w1' } : { node: '', localPods: 'all' as const };
    if (cl.pods.length === 0) return;
    const victim = a % cl.pods.length;
    const labels = cl.pods[b % cl.pods.length]?.labels ?? {};
    const moved: Cluster = { ...cl, pods: cl.pods.map((p, i) => (i === victim ? { ...p, labels: { ...labels } } : p)) };
    let cached = plan(compile(cl, ps), target);
    for (const next of [moved, cl, cl]) {
      const compiled = compile(next, ps);
      const fresh = plan(compiled, target, cached.numbering);
      cached = plan(compiled, target, cached);
      assert.deepEqual(elementsOf(cached), elementsOf(fresh));
      assert.deepEqual(cached.dropTargets, fresh.dropTargets);
      assert.deepEqual(cached.numbering, fresh.numbering);
    }
  }), { numRuns: 60 });
});

// kubernetes.io/docs/concepts/services-networking/network-policies: a pod joining a
// selected set ("label change") changes only its own address's identity.
test('plan: a label change that moves a pod into an existing class changes one address element', () => {
  const pods = [
    pod('demo/server', { app: 'server' }, ['10.0.0.1'], { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    pod('demo/client', {}, ['10.0.0.2']),
    pod('demo/other', { app: 'client' }, ['10.0.0.3']),
  ];
  const ps = policySet([policy({ name: 'demo-policy', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 'http')] }] })]);
  const before = plan(compile(cluster({ pods, namespaces: [ns('demo')] }), ps), { node: '', localPods: 'all' });
  const relabelled = pods.map((p) => (p.key === 'demo/client' ? { ...p, labels: { app: 'client' } } : p));
  const after = plan(compile(cluster({ pods: relabelled, namespaces: [ns('demo')] }), ps), { node: '', localPods: 'all' }, before.numbering);
  const a = elementsOf(before);
  const b = elementsOf(after);
  const changed: string[] = [];
  for (const [set, els] of b) {
    for (const [k, v] of els) if (a.get(set)?.get(k) !== v) changed.push(`${set} ${k}`);
    for (const k of a.get(set)?.keys() ?? []) if (!els.has(k)) changed.push(`${set} -${k}`);
  }
  assert.deepEqual(changed, ['addr4 10.0.0.2']);
  const walk = (rs: Ruleset, protocol: Protocol, p: number): string => walkPacket(rs, { src: '10.0.0.2', dst: '10.0.0.1', protocol, port: p }).verdict;
  assert.equal(walk(before, 'TCP', 80), 'drop');
  assert.equal(walk(after, 'TCP', 80), 'accept');
  assert.equal(walk(after, 'TCP', 81), 'drop');
});

test('plan: pods that differ only by service account get their own identity (Calico serviceAccounts peers)', () => {
  const pods = [
    { ...pod('demo/server', { app: 'server' }, ['10.0.0.1']), serviceAccount: 'web' },
    { ...pod('demo/allowed', { app: 'client' }, ['10.0.0.2']), serviceAccount: 'frontend' },
    { ...pod('demo/denied', { app: 'client' }, ['10.0.0.3']), serviceAccount: 'batch' },
    pod('demo/no-sa', { app: 'client' }, ['10.0.0.4']),
  ];
  const peer = { ...podsPeer('demo', { app: 'client' }), serviceAccounts: { names: ['frontend'] } };
  const ps = policySet([policy({ name: 'sa-only', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [peer], ports: [port('TCP', 80)] }] })]);
  const cl = cluster({ pods, namespaces: [ns('demo')] });
  const compiled = compile(cl, ps);
  const rs = plan(compiled, { node: '', localPods: 'all' });
  const verdicts = ['10.0.0.2', '10.0.0.3', '10.0.0.4'].map((src) => walkPacket(rs, { src, dst: '10.0.0.1', protocol: 'TCP', port: 80 }).verdict);
  assert.deepEqual(verdicts, ['accept', 'drop', 'drop']);
  assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, new Map([['', rs]]), [80]);
});
