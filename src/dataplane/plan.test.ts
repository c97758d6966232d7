// plan() must make the kernel enforce exactly what evaluate() says (DESIGN.md "one
// reference model"). walkPacket() interprets a planned table the way nftables does; the
// property runs random clusters and policy sets (engine/random-policies.ts: tiers,
// deny/pass/log, named ports, endPort, ipBlock except, IPv6, host-network pods, network
// sets) through plan on one node and on two nodes, and compares every packet with
// evaluate() on the same addresses, including packets between pods and their own node's
// addresses (the input and output hooks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile, internals } from '../engine/compile.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import { evaluate } from '../engine/evaluate.ts';
import { applyChange, changeArb, compiles } from '../engine/random-changes.ts';
import { clusterArb, policySetArb } from '../engine/random-policies.ts';
import { recompile } from '../engine/recompile.ts';
import { cidrPeer, cluster, entityPeer, networkSet, node, nodesPeer, ns, nsSel, pod, podsPeer, policy, policySet, port, service, servicePeer, setsPeer } from '../engine/test-builders.ts';
import type { Cluster, Namespace } from '../model/cluster.ts';
import { parseIp } from '../model/ip.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import { nonPortPolicies } from './non-port.ts';
import { walkPacket } from './packet-walk.ts';
import type { Hook, Packet } from './packet-walk.ts';
import { delta } from './delta.ts';
import { createPlanner, plan } from './plan.ts';
import type { Decision, DirectionTable, Ruleset } from './ruleset.ts';
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

/** Node address → the node (table) that owns it. */
type Owners = ReadonlyMap<string, string>;

function ownersOf(cl: Cluster, rename?: string): Owners {
  return new Map(cl.nodes.flatMap((n) => n.ips.map((ip) => [ip, rename ?? n.name] as const)));
}

/**
 * The node namespaces a packet crosses and the hook that meets it in each: a pod's packet
 * is forwarded by its node, or delivered (input) when it is for that node's own address;
 * a node address' packet leaves through output; the destination pod's node forwards it
 * in, or the destination node takes it in through input.
 */
function hops(cl: Cluster, owners: Owners, src: string, dst: string): Array<readonly [string, Hook]> {
  const out: Array<readonly [string, Hook]> = [];
  const srcPod = nodeOf(cl, src);
  const dstPod = nodeOf(cl, dst);
  const dstOwner = owners.get(dst);
  const first = srcPod ?? owners.get(src);
  if (srcPod !== undefined) out.push([srcPod, dstPod === undefined && dstOwner === srcPod ? 'input' : 'forward']);
  else if (first !== undefined) out.push([first, 'output']);
  if (dstPod !== undefined && dstPod !== first) out.push([dstPod, 'forward']);
  else if (dstPod === undefined && dstOwner !== undefined && dstOwner !== first) out.push([dstOwner, 'input']);
  return out;
}

/** Walks a packet through every node it crosses, at the hook that meets it there. */
function walkThrough(cl: Cluster, owners: Owners, tables: ReadonlyMap<string, Ruleset>, pk: Packet): { allowed: boolean; target?: number; at?: Ruleset } {
  for (const [n, hook] of hops(cl, owners, pk.src, pk.dst)) {
    const rs = tables.get(n);
    if (rs === undefined) throw new Error(`no table for node ${n}`);
    const r = walkPacket(rs, { ...pk, hook });
    if (r.verdict === 'drop') return r.target === undefined ? { allowed: false, at: rs } : { allowed: false, target: r.target, at: rs };
  }
  return { allowed: true };
}

function assertAgrees(compiled: CompiledCluster, nonPort: CompiledCluster, cl: Cluster, owners: Owners, tables: ReadonlyMap<string, Ruleset>, ports: readonly number[] = PORTS): number {
  let checked = 0;
  const all = [...new Set([...addresses(cl), ...owners.keys()])];
  for (const src of all) {
    for (const dst of all) {
      if (src === dst || parseIp(src)?.family !== parseIp(dst)?.family) continue;
      const sp = cl.pods.find((p) => !p.hostNetwork && p.ips.includes(src));
      if (sp !== undefined && sp === cl.pods.find((p) => !p.hostNetwork && p.ips.includes(dst))) continue; // loopback stays in the pod
      for (const protocol of PROTOCOLS) {
        for (const p of ports) {
          const v = evaluate(compiled, { src: { kind: 'ip', ip: src }, dst: { kind: 'ip', ip: dst }, protocol, port: p });
          const w = walkThrough(cl, owners, tables, { src, dst, protocol, port: p });
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
      assert.equal(walkThrough(cl, owners, tables, { src, dst, protocol: 'other', port: 0 }).allowed, v.allowed, `${src} -> ${dst} without ports`);
    }
  }
  return checked;
}

test('plan: property — one node holding every pod enforces exactly evaluate() for every packet (node addresses are other hosts)', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl, ps) => {
    const compiled = compile(cl, ps);
    const rs = plan(compiled, { node: '', localPods: 'all' });
    const tables = new Map([['', rs]]);
    const nodeless: Cluster = { ...cl, pods: cl.pods.map((p) => (p.hostNetwork ? p : { ...p, node: '' })) };
    // The pods have no node in the model, so no node address is their own: every packet is forwarded.
    assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), nodeless, new Map(), tables);
  }), { numRuns: 60 });
});

test('plan: property — pods spread over two nodes: egress judged at the source node, ingress at the destination node', () => {
  fc.assert(fc.property(clusterArb, policySetArb, (cl0, ps) => {
    const cl: Cluster = { ...cl0, pods: cl0.pods.map((p, i) => (p.hostNetwork ? p : { ...p, node: i % 2 === 0 ? 'w1' : 'c1' })) };
    const compiled = compile(cl, ps);
    const tables = new Map(['w1', 'c1'].map((n) => [n, plan(compiled, { node: n })]));
    assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, ownersOf(cl), tables);
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

/** A ruleset with identity numbers replaced by their classes' sigs and drop targets by policy ids: equal means equal up to numbering. */
function canonical(rs: Ruleset): unknown {
  const sigs = new Map([...rs.numbering.identities].map(([sig, id]) => [id, sig]));
  const sig = (id: number): string => sigs.get(id) ?? `unnumbered ${id}`;
  const keys = new Map(rs.dropTargets.map((t) => [t.index, t.key]));
  const dec = (d: Decision): string => (d.kind === 'allow' ? 'allow' : `drop ${keys.get(d.target) ?? `unknown ${d.target}`}`);
  const rows = (t: DirectionTable): unknown => t.rows.map((r) => ({
    local: sig(r.local), default: dec(r.default), nonPortDefault: dec(r.nonPortDefault),
    cells: r.cells.map((c) => `${sig(c.remote)} ${c.protocol} ${c.fromPort}-${c.toPort} ${dec(c.decision)}`).sort(),
    nonPortCells: r.nonPortCells.map((c) => `${sig(c.remote)} ${dec(c.decision)}`).sort(),
  })).sort((a, b) => (a.local < b.local ? -1 : 1));
  return {
    addresses: rs.addresses.map((a) => `${a.ip} ${sig(a.identity)}`),
    regions: rs.regions.map((g) => `${g.family} ${g.first}-${g.last} ${sig(g.identity)}`),
    local: rs.local.map((a) => `${a.ip} ${sig(a.identity)}`),
    egress: rows(rs.egress),
    ingress: rows(rs.ingress),
    dropTargets: rs.dropTargets.map((t) => `${t.key} ${t.label}`).sort(),
  };
}

// The agent keeps one planner and hands it every recompile (plan.ts): following changes
// must never change the result. After each random pod, policy or namespace change
// (labels, created, deleted; random-changes.ts), the planner's
// table enforces exactly evaluate() for every packet, and equals a plan from scratch
// given the planner's previous numbering — the same identity numbers, and the same rows
// up to drop-chain numbers.
test('plan: property — a planner following random pod, policy and namespace changes (labels, created, deleted) equals planning from scratch', () => {
  // Namespaces created or deleted that recompile() followed in place (the planner then follows its journal).
  let lifecycles = 0;
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, fc.array(changeArb, { minLength: 1, maxLength: 5 }), fc.boolean(), (cl0, ps0, donors, changes, two) => {
    const spread = (cl: Cluster): Cluster => (two ? { ...cl, pods: cl.pods.map((p, i) => (p.hostNetwork ? p : { ...p, node: i % 2 === 0 ? 'w1' : 'c1' })) } : cl);
    const target = two ? { node: 'w1' } : { node: '', localPods: 'all' as const };
    let cl = spread(cl0);
    let ps = ps0;
    fc.pre(compiles(cl, ps));
    const planner = createPlanner();
    let compiled = compile(cl, ps);
    let last = planner.plan(compiled, target);
    const serial = { n: 0 };
    for (const ch of changes) {
      const next = applyChange(cl, ps, ch, donors, serial);
      const nextCl = next.key === undefined ? next.cluster : { ...next.cluster, pods: next.cluster.pods.map((p) => (p.key === next.key && two && !p.hostNetwork ? { ...p, node: serial.n % 2 === 0 ? 'w1' : 'c1' } : p)) };
      if (!compiles(nextCl, next.policies)) return;
      const names = (c: Cluster): string => c.namespaces.map((n) => n.name).join(',');
      const lineage = internals(compiled).lineage;
      const lifecycle = names(cl) !== names(nextCl);
      cl = nextCl;
      ps = next.policies;
      compiled = recompile(compiled, cl, ps);
      if (lifecycle && internals(compiled).lineage === lineage) lifecycles++;
      // Sometimes the planner skips a version (the agent plans once per coalesced burst).
      if (ch.tell && ch.ip % 3 === 0) continue;
      const previous = last.numbering;
      last = planner.plan(compiled, target);
      const fresh = plan(compile(cl, ps), target, previous);
      assert.deepEqual(canonical(last), canonical(fresh));
      assert.deepEqual(last.addresses, fresh.addresses, 'identity numbers');
      const tables = new Map([[two ? 'w1' : '', last]]);
      if (two) {
        tables.set('c1', plan(compile(cl, ps), { node: 'c1' }));
        assertAgrees(compile(cl, ps), compile(cl, nonPortPolicies(ps)), cl, ownersOf(cl), tables, [53, 80, 8080]);
      } else {
        const nodeless: Cluster = { ...cl, pods: cl.pods.map((p) => (p.hostNetwork ? p : { ...p, node: '' })) };
        assertAgrees(compile(cl, ps), compile(cl, nonPortPolicies(ps)), nodeless, new Map(), tables, [53, 80, 8080]);
      }
    }
  }), { numRuns: 150 });
  assert.ok(lifecycles > 20, `${lifecycles} namespace creations or deletions followed`);
});

// The dataplane keeps identity numbers in 20 bits of the conntrack mark: numbers of
// classes that went are reused (lowest first), so churn never pushes them up.
test('plan: identity numbers of classes that went are reused: 3,000 pods with a port of their own come and go', () => {
  const base = [pod('demo/server', { app: 'server' }, ['10.0.0.1'], { node: 'n1' }), pod('demo/client', { app: 'client' }, ['10.0.0.2'], { node: 'n2' })];
  const ps = policySet([policy({ name: 'p', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 'http')] }] })]);
  let cl = cluster({ pods: base, namespaces: [ns('demo')] });
  let compiled = compile(cl, ps);
  const planner = createPlanner();
  let rs = planner.plan(compiled, { node: 'n1' });
  const high = rs.numbering.nextIdentity;
  let max = 0;
  for (let k = 0; k < 3000; k++) {
    // Each pod has its own http port number: a class of its own (named ports are part of a class).
    const churn = pod(`demo/churn${k}`, { app: 'client' }, [`10.0.${(k >> 8) + 1}.${k & 255}`], { node: 'n2', ports: [{ name: 'http', port: 1000 + k, protocol: 'TCP' }] });
    for (const pods of [[...base, churn], base]) {
      cl = { ...cl, pods };
      compiled = recompile(compiled, cl, ps);
      rs = planner.plan(compiled, { node: 'n1' });
      for (const a of rs.addresses) max = Math.max(max, a.identity);
    }
  }
  assert.ok(max <= high, `largest identity ${max}, ${high - 1} classes at the start`);
  assert.ok(rs.numbering.nextIdentity <= high + 1);
});

test('plan: a planner hands back the same row objects and address list when a change does not touch them', () => {
  const pods = [
    pod('demo/server', { app: 'server' }, ['10.0.0.1'], { node: 'n1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    pod('demo/client', { app: 'client' }, ['10.0.0.2'], { node: 'n1' }),
    pod('demo/other', { app: 'other' }, ['10.0.0.3'], { node: 'n2' }),
  ];
  const ps = policySet([policy({ name: 'web', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 80)] }] })]);
  let cl = cluster({ pods, namespaces: [ns('demo')] });
  let compiled = compile(cl, ps);
  const planner = createPlanner();
  const first = planner.plan(compiled, { node: 'n1' });
  // A replica of `other` on the other node joins its class: one address more, no row changes.
  cl = { ...cl, pods: [...pods, pod('demo/other-2', { app: 'other' }, ['10.0.0.4'], { node: 'n2' })] };
  compiled = recompile(compiled, cl, ps);
  const second = planner.plan(compiled, { node: 'n1' });
  assert.notEqual(second.addresses, first.addresses);
  assert.equal(second.regions, first.regions);
  assert.equal(second.local, first.local);
  assert.equal(second.ingress, first.ingress, 'same ingress table');
  assert.equal(second.egress, first.egress, 'same egress table');
  // Planning the same compile again changes nothing at all.
  const third = planner.plan(compiled, { node: 'n1' });
  assert.equal(third.addresses, second.addresses);
  assert.equal(third.numbering, second.numbering, 'the same numbering object');
  // A policy change that only selects the server recomputes the server's ingress row alone.
  const ps2 = policySet([policy({ name: 'web', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 81)] }] })]);
  compiled = recompile(compiled, cl, ps2);
  const fourth = planner.plan(compiled, { node: 'n1' });
  const server = fourth.local.find((a) => a.ip === '10.0.0.1')?.identity;
  for (const row of fourth.ingress.rows) {
    if (row.local === server) assert.notEqual(row, third.ingress.rows.find((r) => r.local === row.local));
    else assert.equal(row, third.ingress.rows.find((r) => r.local === row.local));
  }
  assert.deepEqual(fourth.egress.rows, third.egress.rows);
  assert.equal(fourth.addresses, third.addresses, 'the port change moves no address');
});

// The benchmark plans in worker threads and posts the Ruleset back (structured clone):
// a ruleset must be plain data, its numbering too, and seed another planner.
test('plan: a ruleset survives structuredClone, and its numbering seeds a planner that numbers the same', () => {
  const cl = cluster({ pods: [pod('demo/a', { app: 'a' }, ['10.0.0.1']), pod('demo/b', { app: 'b' }, ['10.0.0.2'])], namespaces: [ns('demo')] });
  const ps = policySet([policy({ name: 'p', namespace: 'demo', pods: { app: 'a' }, ingress: [{ peers: [podsPeer('demo', { app: 'b' })] }] })]);
  const rs = createPlanner().plan(compile(cl, ps), { node: '', localPods: 'all' });
  const copy = structuredClone(rs);
  assert.deepEqual(copy.numbering, rs.numbering);
  const again = createPlanner(copy.numbering).plan(compile(cl, ps), { node: '', localPods: 'all' });
  assert.deepEqual(again.addresses, rs.addresses);
  assert.deepEqual(canonical(again), canonical(rs));
});

// A planner reads the slots recompile() changed from the lineage's journal; one that
// fell further behind than the journal reaches, or is asked for another node, starts over
// (keeping its numbering) and still plans exactly.
test('plan: a planner behind the journal, or asked for another node, plans as from scratch', () => {
  const pods = Array.from({ length: 6 }, (_, i) => pod(`demo/p${i}`, { app: `a${i % 3}` }, [`10.0.0.${i + 1}`], { node: i % 2 === 0 ? 'n1' : 'n2' }));
  const ps = policySet([policy({ name: 'p', namespace: 'demo', pods: { app: 'a0' }, ingress: [{ peers: [podsPeer('demo', { app: 'a1' })], ports: [port('TCP', 80)] }] })]);
  let cl = cluster({ pods, namespaces: [ns('demo')] });
  let compiled = compile(cl, ps);
  const planner = createPlanner();
  let rs = planner.plan(compiled, { node: 'n1' });
  for (let k = 0; k < 80; k++) {
    cl = { ...cl, pods: cl.pods.map((p, i) => (i === k % 6 ? { ...p, labels: { app: `a${(k + i) % 3}` } } : p)) };
    compiled = recompile(compiled, cl, ps);
  }
  const previous = rs.numbering;
  rs = planner.plan(compiled, { node: 'n1' });
  assert.deepEqual(canonical(rs), canonical(plan(compile(cl, ps), { node: 'n1' }, previous)));
  const other = planner.plan(compiled, { node: 'n2' });
  assert.deepEqual(canonical(other), canonical(plan(compile(cl, ps), { node: 'n2' })));
  assert.ok(other.local.every((a) => ['10.0.0.2', '10.0.0.4', '10.0.0.6'].includes(a.ip)));
});

test('plan: a planner refuses a compile that recompile() took over', () => {
  const cl = cluster({ pods: [pod('demo/a', {}, ['10.0.0.1'])], namespaces: [ns('demo')] });
  const ps = policySet([]);
  const compiled = compile(cl, ps);
  recompile(compiled, { ...cl, pods: [...cl.pods, pod('demo/b', {}, ['10.0.0.2'])] }, ps);
  assert.throws(() => createPlanner().plan(compiled, { node: '', localPods: 'all' }), /superseded by recompile/);
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

// kubernetes.io/docs/concepts/services-networking/network-policies ("namespaceSelector"):
// labelling a namespace brings all its pods into a namespaceSelector peer; Calico network
// sets of that namespace come into a rule's namespaceSelector the same way
// (docs.tigera.io/calico/latest/reference/resources/networkset). The planner follows the
// relabel from the journal: only the relabelled namespace's pod addresses change identity.
test('plan: a namespace relabel is followed from the journal: its pods and network sets come into namespaceSelector peers', () => {
  const pods = [
    pod('db/server', { app: 'db' }, ['10.0.0.1'], { node: 'n1' }),
    pod('web/client', { app: 'client' }, ['10.0.0.2'], { node: 'n2' }),
    pod('web/other', { app: 'other' }, ['10.0.0.3'], { node: 'n2' }),
    pod('ops/tool', { app: 'client' }, ['10.0.0.4'], { node: 'n2' }),
  ];
  const ps = policySet([policy({
    name: 'db', namespace: 'db', pods: { app: 'db' },
    ingress: [{ peers: [podsPeer(nsSel({ team: 'frontend' })), setsPeer(nsSel({ team: 'frontend' }), {})], ports: [port('TCP', 5432)] }],
  })]);
  const namespaces = (web: Record<string, string>): Namespace[] => [ns('db'), ns('ops', { team: 'ops' }), ns('web', web)];
  const cl = cluster({ pods, namespaces: namespaces({}), networkSets: [networkSet('web/partners', {}, ['192.0.2.0/24'])] });
  const planner = createPlanner();
  const prev = compile(cl, ps);
  const first = planner.plan(prev, { node: 'n1' });
  const relabelled: Cluster = { ...cl, namespaces: namespaces({ team: 'frontend' }) };
  const compiled = recompile(prev, relabelled, ps, { pods: new Map() });
  const second = planner.plan(compiled, { node: 'n1' });
  // Followed, not rebuilt: the address list says what changed since the first.
  assert.equal(second.addressLineage?.from, first.addressLineage?.version);
  const walk = (rs: Ruleset, src: string): string => walkPacket(rs, { src, dst: '10.0.0.1', protocol: 'TCP', port: 5432, hook: 'forward' }).verdict;
  assert.deepEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '192.0.2.7'].map((ip) => walk(first, ip)), ['drop', 'drop', 'drop', 'drop']);
  assert.deepEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '192.0.2.7'].map((ip) => walk(second, ip)), ['accept', 'accept', 'drop', 'accept']);
  assert.deepEqual(canonical(second), canonical(plan(compile(relabelled, ps), { node: 'n1' }, first.numbering)));
  const was = new Map(first.addresses.map((a) => [a.ip, a.identity]));
  assert.deepEqual(second.addresses.filter((a) => was.get(a.ip) !== a.identity).map((a) => a.ip).sort(), ['10.0.0.2', '10.0.0.3']);
});

// kubernetes.io/docs/concepts/services-networking/network-policies ("namespaceSelector")
// and kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/: a namespace
// is created empty and deleted after its pods. Creating one that a namespaceSelector
// matches changes no element until a pod arrives in it; the planner follows creations and
// deletions from the journal. The identity index keeps groups (namespace, labels, service
// account) of pods long gone: a namespace deleted and created again with other labels must
// not hand a new pod the membership its namesake had.
test('plan: namespaces created and deleted are followed from the journal: nothing changes until pods arrive, and a namespace created again does not inherit its namesake\'s memberships', () => {
  const ps = policySet([policy({ name: 'db', namespace: 'db', pods: { app: 'db' }, ingress: [{ peers: [podsPeer(nsSel({ team: 'frontend' }))], ports: [port('TCP', 5432)] }] })]);
  const server = pod('db/server', { app: 'db' }, ['10.0.0.1'], { node: 'n1' });
  const client = pod('web/client', { app: 'client' }, ['10.0.0.2'], { node: 'n2' });
  const db = ns('db');
  const target = { node: 'n1' };
  const walk = (rs: Ruleset): string => walkPacket(rs, { src: '10.0.0.2', dst: '10.0.0.1', protocol: 'TCP', port: 5432, hook: 'forward' }).verdict;
  const steps: ReadonlyArray<{ what: string; cl: Cluster; verdict: string; unchanged: boolean }> = [
    { what: 'web created with team=frontend, empty', cl: cluster({ pods: [server], namespaces: [db, ns('web', { team: 'frontend' })] }), verdict: 'drop', unchanged: true },
    { what: 'a client arrives in web', cl: cluster({ pods: [server, client], namespaces: [db, ns('web', { team: 'frontend' })] }), verdict: 'accept', unchanged: false },
    { what: 'the client goes', cl: cluster({ pods: [server], namespaces: [db, ns('web', { team: 'frontend' })] }), verdict: 'drop', unchanged: false },
    { what: 'web deleted', cl: cluster({ pods: [server], namespaces: [db] }), verdict: 'drop', unchanged: true },
    { what: 'web created again, team=backend', cl: cluster({ pods: [server], namespaces: [db, ns('web', { team: 'backend' })] }), verdict: 'drop', unchanged: true },
    { what: 'a client like the first arrives in it: not admitted', cl: cluster({ pods: [server, client], namespaces: [db, ns('web', { team: 'backend' })] }), verdict: 'drop', unchanged: false },
  ];
  const planner = createPlanner();
  let compiled = compile(cluster({ pods: [server], namespaces: [db] }), ps);
  let last = planner.plan(compiled, target);
  for (const step of steps) {
    const lineage = internals(compiled).lineage;
    compiled = recompile(compiled, step.cl, ps);
    assert.equal(internals(compiled).lineage, lineage, `${step.what}: recompile followed`);
    const rs = planner.plan(compiled, target);
    // Followed, not rebuilt: the same address version, or one that says what changed since the last.
    const was = last.addressLineage?.version;
    const now = rs.addressLineage;
    assert.ok(now !== undefined && (step.unchanged ? now.version === was : now.from === was), `${step.what}: the planner followed`);
    assert.equal(walk(rs), step.verdict, step.what);
    assert.deepEqual(canonical(rs), canonical(plan(compile(step.cl, ps), target, last.numbering)), step.what);
    last = rs;
  }
});

// A relabel that moves a network-set peer's nets, planned together with a change that
// rebuilds the identity index (an entity peer coming), must leave the index knowing the
// new nets: when the peer goes later, the pod addresses in them are reclassified.
test('plan: network-set nets a relabel moved during a rebuild are known when the peer goes', () => {
  const pods = [pod('db/server', { app: 'db' }, ['10.0.0.1']), pod('web/partner', { app: 'p' }, ['10.0.5.5'])];
  const viaSets = policy({ name: 'sets', namespace: 'db', pods: { app: 'db' }, ingress: [{ peers: [setsPeer(nsSel({ team: 'frontend' }), {})] }] });
  const entity = policy({ name: 'entity', namespace: 'db', pods: { app: 'db' }, egress: [{ peers: [entityPeer('world')] }] });
  const cl = cluster({ pods, namespaces: [ns('db'), ns('web')], networkSets: [networkSet('web/partners', {}, ['10.0.5.0/24'])] });
  const target = { node: '', localPods: 'all' as const };
  const planner = createPlanner();
  let compiled = compile(cl, policySet([viaSets]));
  planner.plan(compiled, target);
  const relabelled: Cluster = { ...cl, namespaces: [ns('db'), ns('web', { team: 'frontend' })] };
  compiled = recompile(compiled, relabelled, policySet([viaSets, entity]));
  const mid = planner.plan(compiled, target);
  const ps = policySet([entity]);
  compiled = recompile(compiled, relabelled, ps);
  const last = planner.plan(compiled, target);
  assert.deepEqual(canonical(last), canonical(plan(compile(relabelled, ps), target, mid.numbering)));
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
  assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, new Map(), new Map([['', rs]]), [80]);
});

// Traffic between a pod and its own node goes through the node's input and output hooks,
// judged like any other flow (docs/semantics.md "Host-network pods"): the pod's egress
// policies with the node address as remote (an ipBlock, a nodes peer, the host entity),
// the pod's ingress policies for the node or a host-network pod (the engine has no
// kubelet-probe exemption, so neither has the dataplane).
test('plan: pod ↔ own node is always allowed (input and output hooks are not filtered), other nodes are judged', () => {
  const cl = cluster({
    pods: [
      pod('demo/server', { app: 'server' }, ['10.244.1.10'], { node: 'n1' }),
      pod('demo/client', { app: 'client' }, ['10.244.1.11'], { node: 'n1' }),
      pod('kube-system/agent', {}, ['192.168.0.10'], { node: 'n1', hostNetwork: true }),
    ],
    namespaces: [ns('demo'), ns('kube-system')],
    nodes: [node('n1', { role: 'worker' }, ['192.168.0.10']), node('n2', { role: 'worker' }, ['192.168.0.20'])],
  });
  const ps = policySet([
    policy({ name: 'client-egress', namespace: 'demo', pods: { app: 'client' }, egress: [
      { peers: [nodesPeer({ role: 'worker' })], ports: [port('UDP', 53)] },
      { peers: [entityPeer('host')], ports: [port('TCP', 6443)] },
    ] }),
    policy({ name: 'server-ingress', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 80)] }] }),
  ]);
  const compiled = compile(cl, ps);
  const rs = plan(compiled, { node: 'n1' });
  // kubernetes.io Network Policies: "traffic to and from the node where a Pod is running is always allowed".
  const cases: ReadonlyArray<{ name: string; src: string; dst: string; protocol: Protocol; port: number; hook: Hook; want: 'accept' | 'drop'; reason?: string }> = [
    { name: 'client → own node, a port its egress policy omits', src: '10.244.1.11', dst: '192.168.0.10', protocol: 'TCP', port: 22, hook: 'input', want: 'accept', reason: 'own-node' },
    { name: 'own node → server, not admitted by its ingress policy (kubelet probe)', src: '192.168.0.10', dst: '10.244.1.10', protocol: 'TCP', port: 8080, hook: 'output', want: 'accept', reason: 'own-node' },
    { name: 'client → other node, nodes peer on UDP/53', src: '10.244.1.11', dst: '192.168.0.20', protocol: 'UDP', port: 53, hook: 'forward', want: 'accept' },
    { name: 'client → other node, a port its egress policy omits', src: '10.244.1.11', dst: '192.168.0.20', protocol: 'TCP', port: 22, hook: 'forward', want: 'drop' },
    { name: 'other node → server, not admitted by its ingress policy', src: '192.168.0.20', dst: '10.244.1.10', protocol: 'TCP', port: 80, hook: 'forward', want: 'drop' },
    { name: 'client → server on the same node: its egress policy admits no pod', src: '10.244.1.11', dst: '10.244.1.10', protocol: 'TCP', port: 80, hook: 'forward', want: 'drop' },
  ];
  for (const c of cases) {
    const got = walkPacket(rs, { src: c.src, dst: c.dst, protocol: c.protocol, port: c.port, hook: c.hook });
    const v = evaluate(compiled, { src: { kind: 'ip', ip: c.src }, dst: { kind: 'ip', ip: c.dst }, protocol: c.protocol, port: c.port });
    assert.equal(got.verdict, c.want, c.name);
    assert.equal(v.allowed, c.want === 'accept', `${c.name}: engine ${v.egress.message}; ${v.ingress.message}`);
    if (c.reason !== undefined) assert.ok(v.egress.reason === c.reason || v.ingress.reason === c.reason, `${c.name}: ${v.egress.reason}/${v.ingress.reason}`);
    if (c.hook !== 'forward') assert.deepEqual(got.checked, [], `${c.name}: input and output are not filtered`);
  }
  // The host-network pod on the server's node is that node: always allowed both ways.
  const agent = evaluate(compiled, { src: { kind: 'pod', pod: 'kube-system/agent' }, dst: { kind: 'pod', pod: 'demo/server' }, protocol: 'TCP', port: 80 });
  assert.deepEqual([agent.allowed, agent.ingress.reason], [true, 'own-node']);
});

// Cilium CIDR rules never select cluster nodes (docs.cilium.io security/policy/language
// "IP/CIDR based": not traffic that uses "an IP belonging to a node in the cluster
// (including host networking pods)"), unless the agent runs with
// policy-cidr-match-mode=nodes; a Kubernetes ipBlock does. The node's addresses get host
// identities whose membership must say so, while outside addresses in the same CIDR
// (regions) stay selected.
test('plan: Cilium CIDR rules do not select other nodes or host-network pods; policy-cidr-match-mode=nodes and ipBlock do', () => {
  const cl = cluster({
    pods: [
      pod('demo/cil', { app: 'cil' }, ['10.244.1.10', 'fd00:244::10'], { node: 'n1' }),
      pod('demo/cil-nodes', { app: 'cil-nodes' }, ['10.244.1.11'], { node: 'n1' }),
      pod('demo/k8s', { app: 'k8s' }, ['10.244.1.12'], { node: 'n1' }),
      pod('demo/server', { app: 'server' }, ['10.244.1.13'], { node: 'n1' }),
      pod('kube-system/agent', {}, ['192.168.0.20', 'fd00:1::20'], { node: 'n2', hostNetwork: true }),
    ],
    namespaces: [ns('demo'), ns('kube-system')],
    nodes: [node('n1', {}, ['192.168.0.10', 'fd00:1::10']), node('n2', {}, ['192.168.0.20', 'fd00:1::20'])],
  });
  const egress = (name: string, peers: ReturnType<typeof cidrPeer>[]) => policy({ name, namespace: 'demo', pods: { app: name }, egress: [{ peers }] });
  const ps = policySet([
    egress('cil', [cidrPeer('0.0.0.0/0', [], false, false), cidrPeer('::/0', [], false, false)]),
    egress('cil-nodes', [cidrPeer('192.168.0.0/16', [], false, true)]),
    egress('k8s', [cidrPeer('0.0.0.0/0')]),
    policy({ name: 'server', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [cidrPeer('0.0.0.0/0', [], false, false)] }] }),
  ]);
  const compiled = compile(cl, ps);
  const rs = plan(compiled, { node: 'n1' });
  const cases: ReadonlyArray<{ name: string; src: string; dst: string; want: 'accept' | 'drop' }> = [
    { name: 'Cilium 0.0.0.0/0 → another node: not selected', src: '10.244.1.10', dst: '192.168.0.20', want: 'drop' },
    { name: 'Cilium ::/0 → another node\'s IPv6 address: not selected', src: 'fd00:244::10', dst: 'fd00:1::20', want: 'drop' },
    { name: 'Cilium 0.0.0.0/0 → an address in the node range that no node holds: selected', src: '10.244.1.10', dst: '192.168.0.30', want: 'accept' },
    { name: 'Cilium 0.0.0.0/0 → an external address: selected', src: '10.244.1.10', dst: '8.8.8.8', want: 'accept' },
    { name: 'policy-cidr-match-mode=nodes → another node: selected', src: '10.244.1.11', dst: '192.168.0.20', want: 'accept' },
    { name: 'ipBlock 0.0.0.0/0 → another node: selected', src: '10.244.1.12', dst: '192.168.0.20', want: 'accept' },
    { name: 'Cilium fromCIDR 0.0.0.0/0 ← another node (its host-network pod): not selected', src: '192.168.0.20', dst: '10.244.1.13', want: 'drop' },
    { name: 'Cilium fromCIDR 0.0.0.0/0 ← an external address: selected', src: '203.0.113.9', dst: '10.244.1.13', want: 'accept' },
  ];
  for (const c of cases) {
    const got = walkPacket(rs, { src: c.src, dst: c.dst, protocol: 'TCP', port: 443, hook: 'forward' });
    const v = evaluate(compiled, { src: { kind: 'ip', ip: c.src }, dst: { kind: 'ip', ip: c.dst }, protocol: 'TCP', port: 443 });
    assert.equal(got.verdict, c.want, c.name);
    assert.equal(v.allowed, c.want === 'accept', `${c.name}: engine ${v.egress.message}; ${v.ingress.message}`);
  }
});

// A row leaves out only what no packet can carry: a pod's own addresses seen from that pod
// (loopback). When two pods share a class, the other pod's address of the first is real
// traffic, even where that address has a class of its own (here: a /32 ipBlock).
test('plan: a pod with two addresses — traffic from another pod of its class to its second address is judged', () => {
  const cl = cluster({
    pods: [pod('demo/a', { app: 'x' }, ['10.0.0.1', '10.0.0.2']), pod('demo/b', { app: 'x' }, ['10.0.0.3']), pod('demo/c', {}, ['10.0.0.4'])],
    namespaces: [ns('demo')],
  });
  const ps = policySet([policy({ name: 'only-a2', namespace: 'demo', pods: { app: 'x' }, egress: [{ peers: [cidrPeer('10.0.0.2/32')] }] })]);
  const compiled = compile(cl, ps);
  const rs = plan(compiled, { node: '', localPods: 'all' });
  assert.equal(walkPacket(rs, { src: '10.0.0.3', dst: '10.0.0.2', protocol: 'TCP', port: 80 }).verdict, 'accept');
  assert.equal(walkPacket(rs, { src: '10.0.0.3', dst: '10.0.0.4', protocol: 'TCP', port: 80 }).verdict, 'drop');
  assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, new Map(), new Map([['', rs]]), [80]);
});

// Cilium toServices (docs.cilium.io/en/stable/security/policy/language/#services-based):
// a service peer is a class membership like a pod peer, so the backends get their own
// identity and every packet is judged as evaluate() judges it.
test('plan: service peers (Cilium toServices) admit exactly the pods backing the Services', () => {
  const cl = cluster({
    pods: [
      pod('demo/client', { app: 'client' }, ['10.0.0.1']),
      pod('demo/db-1', { app: 'db', tier: 'data' }, ['10.0.0.2']),
      pod('demo/db-stray', { app: 'db' }, ['10.0.0.3']),
      pod('other/db-1', { app: 'db', tier: 'data' }, ['10.0.0.4']),
      pod('other/cache', { app: 'cache' }, ['10.0.0.5']),
    ],
    services: [
      service('demo/db', {}, { app: 'db', tier: 'data' }),
      service('other/cache', { exposed: 'yes' }, { app: 'cache' }),
      service('other/manual', { exposed: 'yes' }, undefined),
    ],
  });
  const ps = policySet([policy({ name: 'to-services', namespace: 'demo', pods: { app: 'client' }, egress: [
    { peers: [servicePeer('demo', { name: 'db' })] },
    { peers: [servicePeer(null, { selector: { exposed: 'yes' } })] },
  ] })]);
  const compiled = compile(cl, ps);
  const rs = plan(compiled, { node: '', localPods: 'all' });
  const verdicts = ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((dst) => walkPacket(rs, { src: '10.0.0.1', dst, protocol: 'TCP', port: 5432 }).verdict);
  assert.deepEqual(verdicts, ['accept', 'drop', 'drop', 'accept']);
  assertAgrees(compiled, compile(cl, nonPortPolicies(ps)), cl, new Map(), new Map([['', rs]]), [80, 5432]);
  // Same policies and pods, the Service's selector widened to the stray pod: identities
  // cached from the previous ruleset must not survive a Service change.
  const cl2 = { ...cl, services: [service('demo/db', {}, { app: 'db' }), ...cl.services.slice(1)] };
  const compiled2 = compile(cl2, ps);
  const planner = createPlanner();
  planner.plan(compiled, { node: '', localPods: 'all' });
  const rs2 = planner.plan(compiled2, { node: '', localPods: 'all' });
  assert.equal(walkPacket(rs2, { src: '10.0.0.1', dst: '10.0.0.3', protocol: 'TCP', port: 5432 }).verdict, 'accept');
  assertAgrees(compiled2, compile(cl2, nonPortPolicies(ps)), cl2, new Map(), new Map([['', rs2]]), [5432]);
});

// delta() of a plan against the planner's previous plan reads the addresses that changed
// (Ruleset.addressLineage) instead of merging both lists: the lineage must name exactly
// the addresses whose identity differs, in list order, and the transaction must be the
// one the merge gives (a spread copy drops the non-enumerable lineage: the merge path).
test('plan: property — the address lineage lists exactly what changed, and delta by it equals delta by merging the lists', () => {
  let fast = 0;
  fc.assert(fc.property(clusterArb, policySetArb, policySetArb, fc.array(changeArb, { minLength: 1, maxLength: 6 }), (cl0, ps0, donors, changes) => {
    let cl = cl0;
    let ps = ps0;
    fc.pre(compiles(cl, ps));
    const target = { node: '', localPods: 'all' as const };
    const planner = createPlanner();
    let compiled = compile(cl, ps);
    let prev = planner.plan(compiled, target);
    assert.equal(prev.addressLineage?.from, undefined, 'a first plan has nothing to come from');
    assert.ok(!Object.keys(prev).includes('addressLineage'), 'the lineage is not enumerable');
    const serial = { n: 0 };
    for (const ch of changes) {
      const next = applyChange(cl, ps, ch, donors, serial);
      if (!compiles(next.cluster, next.policies)) return;
      cl = next.cluster;
      ps = next.policies;
      compiled = recompile(compiled, cl, ps);
      const rs = planner.plan(compiled, target);
      const from = prev.addressLineage;
      const to = rs.addressLineage;
      assert.ok(from !== undefined && to !== undefined);
      const before = new Map(prev.addresses.map((a) => [a.ip, a]));
      const after = new Map(rs.addresses.map((a) => [a.ip, a]));
      const differ = [...new Set([...before.keys(), ...after.keys()])]
        .filter((ip) => before.get(ip)?.identity !== after.get(ip)?.identity)
        .map((ip) => ({ ip, before: before.get(ip)?.identity, after: after.get(ip)?.identity }));
      if (to.version === from.version) assert.deepEqual(differ, [], 'the same version, the same list');
      else if (to.from === from.version) {
        fast++;
        const listed = (to.changes ?? []).map((c) => ({ ip: c.ip, before: c.before, after: c.after }));
        assert.deepEqual(listed, [...differ].sort((a, b) => {
          const x = parseIp(a.ip);
          const y = parseIp(b.ip);
          return (x?.family ?? 0) - (y?.family ?? 0) || ((x?.value ?? 0n) < (y?.value ?? 0n) ? -1 : 1);
        }));
      }
      assert.equal(delta(prev, rs, 3).text, delta({ ...prev }, { ...rs }, 3).text);
      prev = rs;
    }
  }), { numRuns: 150 });
  assert.ok(fast > 50, `the lineage path ran ${fast} times`);
});

// The planner hands each plan its own version of the address list and makes the array
// only when read, or now and then when the changes since the last array pile up
// (address-versions.ts): lists read late, newest first, are still each plan's own.
test('plan: address lists of plans nobody read are still exact when read late, after many changes', () => {
  const base = [pod('demo/server', { app: 'server' }, ['10.0.0.1'], { node: 'n1' }), pod('demo/client', { app: 'client' }, ['10.0.0.2', 'fd00::2'], { node: 'n2' })];
  const ps = policySet([policy({ name: 'p', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 80)] }] })]);
  let cl = cluster({ pods: base, namespaces: [ns('demo')] });
  let compiled = compile(cl, ps);
  const planner = createPlanner();
  const plans: Ruleset[] = [planner.plan(compiled, { node: 'n1' })];
  const expected: string[][] = [];
  const text = (rs: Ruleset): string[] => rs.addresses.map((a) => `${a.ip} ${a.identity}`);
  expected.push(text(plan(compiled, { node: 'n1' }, plans[0]?.numbering)));
  const churn: typeof base = [];
  for (let k = 0; k < 150; k++) {
    // Pods come in pairs and go one at a time, so the list keeps changing.
    churn.push(pod(`demo/c${k}`, { app: k % 2 === 0 ? 'client' : 'other' }, [`10.0.1.${k + 1}`], { node: 'n2' }));
    if (k % 3 === 2) churn.splice(0, 1);
    cl = { ...cl, pods: [...base, ...churn] };
    compiled = recompile(compiled, cl, ps);
    const previous = plans[plans.length - 1]?.numbering;
    plans.push(planner.plan(compiled, { node: 'n1' }));
    expected.push(text(plan(compile(cl, ps), { node: 'n1' }, previous)));
  }
  assert.ok(plans.every((rs, i) => i === 0 || rs.addressLineage?.from === plans[i - 1]?.addressLineage?.version), 'each plan comes from the one before');
  for (let i = plans.length - 1; i >= 0; i -= 7) assert.deepEqual(text(plans[i] as Ruleset), expected[i], `plan ${i}`);
  plans.forEach((rs, i) => assert.deepEqual(text(rs), expected[i], `plan ${i}`));
});
