// Real packets on real netfilter: a node namespace routing three pod namespaces, a planned
// table applied with the applier, and real TCP and UDP connections between the pods
// checked against evaluate() cell by cell; then a label change, a new ipBlock policy and
// the removal of every policy (port classes merge), each applied as a delta and checked
// again; and the skb mark of forwarded packets (kube-proxy's 0x4000) left untouched.
// Skips (saying why) without root or nft. Always removes its namespaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../engine/compile.ts';
import type { CompiledCluster } from '../engine/compile.ts';
import { evaluate } from '../engine/evaluate.ts';
import { cidrPeer, cluster, node, ns, pod, podsPeer, policy, policySet, port } from '../engine/test-builders.ts';
import type { Pod } from '../model/cluster.ts';
import type { PolicySet } from '../model/tier.ts';
import { readTable, runNft, TableApplier, verifyReadback } from './applier.ts';
import { delta } from './delta.ts';
import { classOfPort, DIRECT_CLASSES, elementsOf, portClasses, samePortClasses } from './layout.ts';
import type { Elements } from './layout.ts';
import { plan } from './plan.ts';
import type { Ruleset } from './ruleset.ts';
import { DropLogError, openDropLog } from './drop-log.ts';
import { droppedBy } from './nflog.ts';
import type { LoggedPacket } from './nflog.ts';
import { createFixture, kernelSkipReason, listNamespaces, probeFrom } from './test-netns.ts';
import type { Fixture, ProbeSpec } from './test-netns.ts';

const TCP_PORTS = [80, 81];
const UDP_PORTS = [53, 80];

// The seed walkthrough (kubernetes.io/docs/tasks/administer-cluster/declare-network-policy):
// only app=client may reach app=server on its named port http; plus an egress policy so
// the egress side is enforced too: app=client pods may send only DNS (UDP 53) and TCP to
// app=server.
function policies(): PolicySet {
  return policySet([
    policy({ name: 'demo-policy', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [port('TCP', 'http')] }] }),
    policy({
      name: 'client-egress', namespace: 'demo', pods: { app: 'client' },
      egress: [{ peers: null, ports: [port('UDP', 53)] }, { peers: [podsPeer('demo', { app: 'server' })], ports: [port('TCP', 80, 81)] }],
    }),
  ]);
}

function podsOf(fx: Fixture, clientLabels: Record<string, string>): Pod[] {
  const [server, client, other] = fx.pods;
  if (server === undefined || client === undefined || other === undefined) throw new Error('fixture has too few pods');
  return [
    pod('demo/server', { app: 'server' }, [server.ip], { node: 'n1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
    pod('demo/client', clientLabels, [client.ip], { node: 'n1' }),
    pod('demo/other', { app: 'client' }, [other.ip], { node: 'n1' }),
  ];
}

/** Elements in one table and not the other (a changed value counts twice): what a minimal delta changes. */
function elementDifference(a: Elements, b: Elements): number {
  let n = 0;
  for (const [set, els] of b) {
    const before = a.get(set) ?? new Map<string, string | null>();
    for (const [k, v] of els) if (!before.has(k) || before.get(k) !== v) n++;
    for (const [k, v] of before) if (!els.has(k) || els.get(k) !== v) n++;
  }
  return n;
}

/** The element lines of the delta from `a` to `b`, each naming the set and the element. */
function deltaElements(a: Ruleset, b: Ruleset): string[] {
  return delta(a, b).text.split('\n').filter((l) => l.includes(' element '));
}

async function checkAll(fx: Fixture, compiled: CompiledCluster): Promise<{ allowed: number; denied: number }> {
  let allowed = 0;
  let denied = 0;
  await Promise.all(fx.pods.map(async (src) => {
    const probes: ProbeSpec[] = [];
    for (const dst of fx.pods) {
      if (dst === src) continue;
      for (const p of TCP_PORTS) probes.push({ ip: dst.ip, port: p, protocol: 'TCP' });
      for (const p of UDP_PORTS) probes.push({ ip: dst.ip, port: p, protocol: 'UDP' });
    }
    const got = await probeFrom(src.netns, probes);
    probes.forEach((pr, i) => {
      const v = evaluate(compiled, { src: { kind: 'ip', ip: src.ip }, dst: { kind: 'ip', ip: pr.ip }, protocol: pr.protocol, port: pr.port });
      assert.equal(got[i], v.allowed, `${src.ip} -> ${pr.ip} ${pr.protocol}/${pr.port}: real traffic ${got[i] === true ? 'passed' : 'was dropped'}, engine: ${v.egress.message}; ${v.ingress.message}`);
      if (v.allowed) allowed++;
      else denied++;
    });
  }));
  return { allowed, denied };
}

/**
 * A test on real namespaces: skipped (with the reason) where the kernel or privileges are
 * missing; the fixture is always destroyed, and must leave no namespace behind.
 */
function kernelTest(name: string, opts: { readonly nodeAddress?: string }, body: (fx: Fixture) => Promise<void>): void {
  test(name, async (t) => {
    const skip = await kernelSkipReason();
    if (skip !== undefined) {
      t.skip(`kernel test skipped: ${skip}`);
      return;
    }
    const fx = await createFixture(3, { tcp: TCP_PORTS, udp: UDP_PORTS }, opts);
    try {
      await body(fx);
    } finally {
      await fx.destroy();
      const left = (await listNamespaces()).filter((n) => n.startsWith(fx.prefix));
      assert.deepEqual(left, [], 'every test namespace is removed');
    }
  });
}

kernelTest('kernel: real TCP and UDP between pod namespaces match evaluate(), before and after a delta', {}, async (fx) => {
  const applier = new TableApplier(fx.node);
  const ps = policies();
  const before = compile(cluster({ pods: podsOf(fx, {}), namespaces: [ns('demo')] }), ps);
  const rs1 = plan(before, { node: 'n1' });
  assert.equal((await applier.apply(rs1)).full, true);
  assert.deepEqual(verifyReadback(rs1, await readTable(fx.node)), []);
  const first = await checkAll(fx, before);
  assert.ok(first.allowed > 0 && first.denied > 0, `both outcomes exercised: ${JSON.stringify(first)}`);

  // Dropped new connections are counted on the deciding policy's counter.
  const back = await readTable(fx.node);
  const demo = rs1.dropTargets.find((d) => d.key.endsWith('/demo/demo-policy'));
  assert.ok(demo !== undefined);
  assert.ok((back.counters.get(`drop_${demo.index}`)?.packets ?? 0) > 0, 'demo-policy drops are counted');

  // `kubectl label pod client app=client`: a delta, not a reload, changing the client's
  // address element, the decision elements of the client's own address, and those of
  // the pod sharing its new class (its remote identity changed), nothing else.
  const after = compile(cluster({ pods: podsOf(fx, { app: 'client' }), namespaces: [ns('demo')] }), ps);
  const rs2 = plan(after, { node: 'n1' }, rs1.numbering);
  const [, clientPod, otherPod] = fx.pods;
  const touched = deltaElements(rs1, rs2);
  for (const l of touched) assert.ok(l.includes(`${clientPod?.ip ?? '?'}`) || l.includes(`${otherPod?.ip ?? '?'} . `), `the label change touches only the client's and its class-mate's elements: ${l}`);
  const res = await applier.apply(rs2);
  assert.equal(res.full, false);
  assert.equal(res.changes, elementDifference(elementsOf(rs1), elementsOf(rs2)), 'exactly the elements that differ');
  assert.deepEqual(verifyReadback(rs2, await readTable(fx.node)), []);
  const second = await checkAll(fx, after);
  assert.notDeepEqual(second, first);

  // A new policy with an ipBlock and except: region intervals split, a drop chain may be
  // added, all as one delta transaction.
  const withBlock: PolicySet = { ...ps, policies: [...ps.policies, policy({
    name: 'server-dns', namespace: 'demo', pods: { app: 'server' },
    ingress: [{ peers: [cidrPeer('10.77.0.0/24', ['10.77.0.2/32'])], ports: [port('UDP', 53)] }],
  })] };
  const third = compile(cluster({ pods: podsOf(fx, { app: 'client' }), namespaces: [ns('demo')] }), withBlock);
  const rs3 = plan(third, { node: 'n1' }, rs2.numbering);
  assert.equal((await applier.apply(rs3)).full, false);
  assert.deepEqual(verifyReadback(rs3, await readTable(fx.node)), []);
  await checkAll(fx, third);

  // Every policy deleted: drop chains go, everything is allowed; the port classes merge
  // back to one whole-range segment per protocol (interval sets shrink in the delta).
  const none = compile(cluster({ pods: podsOf(fx, { app: 'client' }), namespaces: [ns('demo')] }), policySet([]));
  const rs4 = plan(none, { node: 'n1' }, rs3.numbering);
  assert.equal(samePortClasses(portClasses(rs3), portClasses(rs4)), false, 'the port classes change in this delta');
  assert.equal((await applier.apply(rs4)).full, false);
  assert.deepEqual(verifyReadback(rs4, await readTable(fx.node)), []);
  assert.equal((await checkAll(fx, none)).denied, 0);
});

// A cluster whose policies cut the TCP port space into more than 31 segments: ports 80
// and 81 get classes of 32 and above, which the class map sends to the per-bit rules
// instead of a class chain; real traffic still matches evaluate(), before and after a
// delta that adds a port.
kernelTest('kernel: large port classes (per-bit rules) decide real traffic as evaluate() does', {}, async (fx) => {
  const many = Array.from({ length: 31 }, (_, i) => port('TCP', 2 * i + 1));
  const manyPorts = (extra: ReturnType<typeof port>[]): PolicySet => policySet([
    policy({ name: 'many-ports', namespace: 'demo', pods: { app: 'server' }, ingress: [{ peers: [podsPeer('demo', { app: 'client' })], ports: [...many, port('TCP', 80), ...extra] }] }),
  ]);
  const applier = new TableApplier(fx.node);
  const c1 = compile(cluster({ pods: podsOf(fx, {}), namespaces: [ns('demo')] }), manyPorts([]));
  const rs1 = plan(c1, { node: 'n1' });
  const pc = portClasses(rs1);
  for (const p of TCP_PORTS) assert.ok(classOfPort(pc, 'TCP', p) >= DIRECT_CLASSES, `TCP ${p} has a large class`);
  await applier.apply(rs1);
  assert.deepEqual(verifyReadback(rs1, await readTable(fx.node)), []);
  const r1 = await checkAll(fx, c1);
  assert.ok(r1.allowed > 0 && r1.denied > 0, `both outcomes exercised: ${JSON.stringify(r1)}`);
  const c2 = compile(cluster({ pods: podsOf(fx, {}), namespaces: [ns('demo')] }), manyPorts([port('TCP', 81)]));
  const rs2 = plan(c2, { node: 'n1' }, rs1.numbering);
  assert.equal((await applier.apply(rs2)).full, false);
  assert.deepEqual(verifyReadback(rs2, await readTable(fx.node)), []);
  await checkAll(fx, c2);
});

// Traffic between pods and their own node: "traffic to and from the node where a Pod is
// running is always allowed" (kubernetes.io, Network Policies). Even under policies that
// deny all ingress and egress, pod → own node and node → pod connect (kubelet probes), as
// evaluate() says ('own-node'); the table leaves the input and output hooks alone.
const OWN_NODE_IP = '10.77.255.1';
kernelTest('kernel: real TCP and UDP between pods and their own node address are allowed whatever the policies (own-node)', { nodeAddress: OWN_NODE_IP }, async (fx) => {
  const [client, server, free] = fx.pods;
  if (client === undefined || server === undefined || free === undefined) throw new Error('fixture has too few pods');
  const cl = cluster({
    pods: [
      pod('demo/client', { app: 'client' }, [client.ip], { node: 'n1' }),
      pod('demo/server', { app: 'server' }, [server.ip], { node: 'n1' }),
      pod('demo/free', {}, [free.ip], { node: 'n1' }),
    ],
    namespaces: [ns('demo')],
    nodes: [node('n1', {}, [OWN_NODE_IP])],
  });
  // Deny everything in and out, except the client's egress to the server (pod to pod, so
  // the table has drop cells): only the own-node exception lets the node traffic through.
  const ps = policySet([
    policy({ name: 'deny-all', namespace: 'demo', pods: {}, ingress: [], egress: [] }),
    policy({ name: 'client-to-server', namespace: 'demo', pods: { app: 'client' }, egress: [{ peers: [cidrPeer(`${server.ip}/32`)], ports: [port('TCP', 80)] }] }),
  ]);
  const check = async (compiled: CompiledCluster): Promise<{ up: number[]; down: number[] }> => {
    const toNode = (): ProbeSpec[] => [...TCP_PORTS.map((p) => ({ ip: OWN_NODE_IP, port: p, protocol: 'TCP' as const })), ...UDP_PORTS.map((p) => ({ ip: OWN_NODE_IP, port: p, protocol: 'UDP' as const }))];
    const fromNode: ProbeSpec[] = fx.pods.flatMap((d) => [
      ...TCP_PORTS.map((p) => ({ ip: d.ip, port: p, protocol: 'TCP' as const, from: OWN_NODE_IP })),
      ...UDP_PORTS.map((p) => ({ ip: d.ip, port: p, protocol: 'UDP' as const, from: OWN_NODE_IP })),
    ]);
    const runs = [
      ...fx.pods.map((src) => ({ netns: src.netns, srcIp: src.ip, probes: toNode(), dir: 0 })),
      { netns: fx.node, srcIp: OWN_NODE_IP, probes: fromNode, dir: 1 },
    ];
    const tally = { up: [0, 0], down: [0, 0] };
    await Promise.all(runs.map(async (r) => {
      const got = await probeFrom(r.netns, r.probes);
      r.probes.forEach((pr, i) => {
        const v = evaluate(compiled, { src: { kind: 'ip', ip: r.srcIp }, dst: { kind: 'ip', ip: pr.ip }, protocol: pr.protocol, port: pr.port });
        assert.equal(got[i], v.allowed, `${r.srcIp} -> ${pr.ip} ${pr.protocol}/${pr.port}: real traffic ${got[i] === true ? 'passed' : 'was dropped'}, engine: ${v.egress.message}; ${v.ingress.message}`);
        if (compiled.policies.policies.length > 0) assert.ok(v.egress.reason === 'own-node' || v.ingress.reason === 'own-node', `${r.srcIp} -> ${pr.ip}: allowed by the own-node exception`);
        const k = v.allowed ? tally.up : tally.down;
        k[r.dir] = (k[r.dir] ?? 0) + 1;
      });
    }));
    return tally;
  };

  const applier = new TableApplier(fx.node);
  const compiled = compile(cl, ps);
  const rs1 = plan(compiled, { node: 'n1' });
  assert.equal((await applier.apply(rs1)).full, true);
  assert.deepEqual(verifyReadback(rs1, await readTable(fx.node)), []);
  const first = await check(compiled);
  // Under deny-all, pod → node and node → pod all connect (own node), none dropped.
  assert.deepEqual(first.down, [0, 0], `nothing dropped between pods and their node: ${JSON.stringify(first)}`);
  assert.ok(first.up.every((n) => n > 0));

  // Every policy deleted, as a delta: everything still passes.
  const none = compile(cl, policySet([]));
  const rs2 = plan(none, { node: 'n1' }, rs1.numbering);
  assert.equal((await applier.apply(rs2)).full, false);
  assert.deepEqual(verifyReadback(rs2, await readTable(fx.node)), []);
  assert.deepEqual((await check(none)).down, [0, 0]);
});

// kube-proxy marks packets of Service connections that need masquerading with 0x4000 in
// the skb mark and checks it in postrouting (kubernetes/pkg/proxy/iptables, KUBE-MARK-MASQ
// / KUBE-POSTROUTING); the table must leave that mark alone. Another table in the node
// namespace sets 0x4000 in prerouting, and counters in postrouting tell whether allowed
// forwarded new connections still carry it after both checks (same-node traffic runs egress
// and ingress).
kernelTest('kernel: the skb mark (kube-proxy 0x4000) survives the forward hook for allowed new connections', {}, async (fx) => {
  const ps = policies();
  const compiled = compile(cluster({ pods: podsOf(fx, { app: 'client' }), namespaces: [ns('demo')] }), ps);
  const rs = plan(compiled, { node: 'n1' });
  await new TableApplier(fx.node).apply(rs);
  const [server, client] = fx.pods;
  if (server === undefined || client === undefined) throw new Error('fixture has too few pods');
  await runNft(fx.node, ['-f', '-'], [
    'table ip kube_marks {',
    '  counter kept {', '  }',
    '  counter lost {', '  }',
    '  chain pre {', '    type filter hook prerouting priority mangle; policy accept;', '    meta mark set 0x4000', '  }',
    '  chain post {', '    type filter hook postrouting priority srcnat; policy accept;',
    `    ct state new ip saddr ${client.ip} ip daddr ${server.ip} meta mark 0x4000 counter name "kept"`,
    `    ct state new ip saddr ${client.ip} ip daddr ${server.ip} meta mark != 0x4000 counter name "lost"`,
    '  }',
    '}',
    '',
  ].join('\n'));
  const probes: ProbeSpec[] = [{ ip: server.ip, port: 80, protocol: 'TCP' }, { ip: server.ip, port: 53, protocol: 'UDP' }];
  const got = await probeFrom(client.netns, probes);
  probes.forEach((pr, i) => {
    const v = evaluate(compiled, { src: { kind: 'ip', ip: client.ip }, dst: { kind: 'ip', ip: pr.ip }, protocol: pr.protocol, port: pr.port });
    assert.equal(got[i], v.allowed, `${client.ip} -> ${pr.ip} ${pr.protocol}/${pr.port}`);
  });
  assert.ok(got[0] === true, 'client -> server TCP/80 is allowed (both checks ran and returned)');
  const counters = JSON.parse(await runNft(fx.node, ['-j', 'list', 'table', 'ip', 'kube_marks'])) as { nftables: Array<{ counter?: { name: string; packets: number } }> };
  const count = (name: string): number => counters.nftables.find((o) => o.counter?.name === name)?.counter?.packets ?? -1;
  assert.ok(count('kept') >= 1, `new connections reached postrouting with 0x4000: ${count('kept')}`);
  assert.equal(count('lost'), 0, 'no new connection lost its skb mark');
});

kernelTest('kernel: a dropped connection is logged to the drop log with the deciding policy, its addresses and ports', {}, async (fx) => {
  const ps = policies();
  const compiled = compile(cluster({ pods: podsOf(fx, {}), namespaces: [ns('demo')] }), ps);
  await new TableApplier(fx.node).apply(plan(compiled, { node: 'n1' }));
  const [server, client] = fx.pods;
  if (server === undefined || client === undefined) throw new Error('fixture has too few pods');
  const logged: LoggedPacket[] = [];
  const log = await openDropLog(fx.node, { onPackets: (p) => logged.push(...p) });
  try {
    // A second reader of the same group in the same namespace is refused, saying why.
    await assert.rejects(openDropLog(fx.node, { onPackets: () => undefined }), (e: unknown) => e instanceof DropLogError && /\(nflog group 2417\) in netns .*: cannot bind nflog group 2417: E(PERM|BUSY)/.test(e.message));
    // demo/client has no app=client label: demo-policy drops its connection to the server.
    assert.deepEqual(await probeFrom(client.netns, [{ ip: server.ip, port: 80, protocol: 'TCP' }]), [false]);
    const deadline = Date.now() + 5_000;
    while (!logged.some((p) => p.protocol === 'TCP') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await log.close();
  }
  const syn = logged.find((p) => p.protocol === 'TCP');
  assert.ok(syn !== undefined, `a TCP packet was logged: ${JSON.stringify(logged)}`);
  assert.equal(droppedBy(syn.prefix), 'NetworkPolicy demo/demo-policy');
  assert.deepEqual({ family: syn.family, src: syn.src, dst: syn.dst, dstPort: syn.dstPort }, { family: 4, src: client.ip, dst: server.ip, dstPort: 80 });
  assert.ok(syn.srcPort !== undefined && syn.srcPort > 0);
  // After close() the group is free again: a new reader binds it.
  await (await openDropLog(fx.node, { onPackets: () => undefined })).close();
});
