// SCTP by raw packets in the lab (DESIGN.md "The lab": where the kernel lacks SCTP
// sockets, SCTP is probed by raw-packet delivery and the output says so): a pod declaring
// SCTP ports answers INITs on them (INIT-ACK) and refuses others (ABORT); a drop rule in a
// node shows as TIMEOUT, in `probe` and in `agnhost connect --protocol=sctp` (upstream:
// kubernetes/kubernetes test/images/agnhost/connect/connect.go, "TIMEOUT" on timeout).
// Also checks that the node's conntrack takes the INIT as a new connection and the
// INIT-ACK as established, never invalid (the dataplane drops `ct state invalid`).
// Root with python3 only; skipped with the reason elsewhere.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addPod, createLab, destroyLab, podExec, removePod, type Lab } from '../topology.ts';
import { probe } from '../probe.ts';
import { netnsPids, nftIn } from '../netns.ts';
import { recordedProcesses } from '../processes.ts';
import { run } from '../exec.ts';
import { sctpSupport } from '../sctp.ts';
import { assertNoNetnsLeft, labSkipReason, tempStateDir } from '../test-support.ts';

const labSkip = await labSkipReason();
const skip = labSkip !== false ? labSkip : sctpSupport().raw ? false : `raw SCTP unavailable: ${sctpSupport().reason}`;
const PODS = ['x/a', 'x/b', 'y/c'];
const SCTP = [{ port: 80, protocol: 'SCTP' as const }, { port: 81, protocol: 'SCTP' as const }, { port: 80 }];

describe('SCTP by raw packets in the lab', { skip, concurrency: false }, () => {
  let stateDir = '';
  let lab: Lab;
  let prefix = '';
  const connect = (from: string, dest: string) => podExec(lab, from, ['/agnhost', 'connect', dest, '--timeout=1s', '--protocol=sctp'], { timeoutMs: 15_000 });

  before(async () => {
    stateDir = tempStateDir('sctp');
    lab = await createLab({ stateDir, nodes: 2 });
    prefix = lab.prefix;
    await Promise.all([
      addPod(lab, { namespace: 'x', name: 'a', node: 'node-0', ports: SCTP }),
      addPod(lab, { namespace: 'x', name: 'b', node: 'node-0', ports: SCTP }),
      addPod(lab, { namespace: 'y', name: 'c', node: 'node-1', ports: SCTP }),
      addPod(lab, { namespace: 'y', name: 'tcp-only', node: 'node-1', ports: [{ port: 80 }] }),
    ]);
  });

  after(async () => {
    if (stateDir === '') return;
    await destroyLab(stateDir);
    await assertNoNetnsLeft(prefix === '' ? 'pl-never-' : prefix);
  });

  it('declared SCTP ports are answered by a responder, and the pod says how', () => {
    assert.match(lab.pod('x/a').warnings[0] ?? '', /^80\/SCTP is answered by raw packets: SCTP probed by raw INIT delivery/);
    assert.equal(recordedProcesses(stateDir).filter((p) => p.pidFile.endsWith('-sctp.pid')).length, 3);
  });

  it('no policy: every pod reaches every declared SCTP port, on both nodes and itself; the result says raw', async () => {
    const r = await probe(lab, { from: PODS, to: PODS, port: 80, protocol: 'SCTP', timeoutMs: 1000 });
    assert.deepEqual(r.allowed, Object.fromEntries(PODS.map((s) => [s, Object.fromEntries(PODS.map((d) => [d, true]))])));
    assert.match(r.note ?? '', /^SCTP probed by raw INIT delivery \(no SCTP sockets in this kernel\)/);
    const ok = await connect('x/a', `${lab.pod('y/c').ipv4}:81`);
    assert.deepEqual([ok.exitCode, ok.stdout, ok.stderr], [0, '', '']);
    const v6 = lab.pod('y/c').ipv6;
    if (v6 !== undefined) assert.equal((await connect('x/a', `[${v6}]:80`)).exitCode, 0);
  });

  it('an undeclared port is REFUSED (ABORT), a pod without SCTP ports too (ICMP unreachable)', async () => {
    const r = await probe(lab, { from: ['x/a'], to: ['y/c', 'y/tcp-only'], port: 82, protocol: 'SCTP', timeoutMs: 1000 });
    assert.deepEqual(r.outcome['x/a'], { 'y/c': 'REFUSED', 'y/tcp-only': 'REFUSED' });
    const c = await connect('x/b', `${lab.pod('y/tcp-only').ipv4}:80`);
    assert.deepEqual([c.exitCode, c.stderr], [1, 'REFUSED\n']);
  });

  it('a drop rule in the destination node is TIMEOUT; conntrack sees new then established, never invalid', async () => {
    const node1 = lab.nodes.find((n) => n.name === 'node-1');
    assert.ok(node1 !== undefined);
    const c = lab.pod('y/c').ipv4;
    await nftIn(node1.netns, 'table inet sctptest {\n counter new {}\n counter est {}\n counter inv {}\n chain f {\n  type filter hook forward priority 0;\n'
      + '  ct state established,related counter name est accept\n  ct state invalid counter name inv drop\n'
      + `  meta l4proto sctp ct state new counter name new\n  ip daddr ${c} sctp dport 81 drop\n }\n}\n`);
    try {
      const r = await probe(lab, { from: ['x/a', 'x/b'], to: ['y/c'], port: 81, protocol: 'SCTP', timeoutMs: 1000 });
      assert.deepEqual(r.outcome, { 'x/a': { 'y/c': 'TIMEOUT' }, 'x/b': { 'y/c': 'TIMEOUT' } });
      const t = await connect('x/a', `${c}:81`);
      assert.deepEqual([t.exitCode, t.stdout, t.stderr], [1, '', 'TIMEOUT\n']);
      const okay = await connect('x/a', `${c}:80`);
      assert.equal(okay.exitCode, 0, okay.stderr);
      const counters = await run('ip', ['netns', 'exec', node1.netns, 'nft', '-j', 'list', 'counters', 'table', 'inet', 'sctptest']);
      const packets = Object.fromEntries((JSON.parse(counters) as { nftables: { counter?: { name: string; packets: number } }[] }).nftables
        .flatMap((e) => (e.counter === undefined ? [] : [[e.counter.name, e.counter.packets]])));
      assert.equal(packets['inv'], 0);
      assert.equal(packets['new'], 4); // 3 INITs to :81, 1 to :80
      assert.equal(packets['est'], 1); // the INIT-ACK from :80
    } finally {
      await nftIn(node1.netns, 'delete table inet sctptest\n');
    }
  });

  it('removing a pod stops its responder', async () => {
    const pod = lab.pod('x/b');
    await removePod(lab, 'x/b');
    assert.deepEqual(await netnsPids(pod.netns), []);
    assert.equal(recordedProcesses(stateDir).some((p) => p.pidFile.endsWith(`${pod.netns}-sctp.pid`)), false);
  });
});
