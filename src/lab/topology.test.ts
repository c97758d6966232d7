// The lab with real namespaces and real traffic (DESIGN.md "The lab"): two nodes, pods on
// both, Calico-style routing, pinned IPs, dual-stack, agnhost servers and `connect`
// output, a simulated drop (an nft rule inside a lab node) seen as TIMEOUT, pod removal.
// Root only; skipped with the reason elsewhere.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addPod, createLab, destroyLab, podExec, removePod, type Lab } from './topology.ts';
import { probe } from './probe.ts';
import { ipIn, listNetns, nftIn } from './netns.ts';
import { isRunning } from './processes.ts';
import { runRaw } from './exec.ts';
import { LabError } from './errors.ts';
import { sctpSupport } from './sctp.ts';
import { assertNoNetnsLeft, labSkipReason, tempStateDir } from './test-support.ts';

const skip = await labSkipReason();
const SERVED = [{ port: 80 }, { port: 81, protocol: 'UDP' as const }];
const ALL = ['x/a', 'x/b', 'y/c', 'y/d'];

function allTrue(pods: readonly string[]): Record<string, Record<string, boolean>> {
  return Object.fromEntries(pods.map((s) => [s, Object.fromEntries(pods.map((d) => [d, true]))]));
}

describe('lab topology with real traffic', { skip }, () => {
  let stateDir = '';
  let lab: Lab;
  let prefix = '';
  const agn = (key: string, ...args: string[]) => podExec(lab, key, ['/agnhost', ...args], { timeoutMs: 15_000 });

  before(async () => {
    stateDir = tempStateDir('topology');
    lab = await createLab({ stateDir, nodes: 2 });
    prefix = lab.prefix;
    await Promise.all([
      addPod(lab, { namespace: 'x', name: 'a', node: 'node-0', ports: SERVED }),
      addPod(lab, { namespace: 'x', name: 'b', node: 'node-0', ports: SERVED }),
      addPod(lab, { namespace: 'y', name: 'c', node: 'node-1', ip: '10.240.1.50', ports: SERVED }),
      // Pinned outside node-1's pod CIDR: the other node needs a host route to reach it.
      addPod(lab, { namespace: 'y', name: 'd', node: 'node-1', ip: '10.99.0.7', ipv6: 'fd00:99::7', ports: SERVED }),
      addPod(lab, { namespace: 'y', name: 'web', node: 'node-1', ports: [{ port: 8080 }, { port: 8081, protocol: 'UDP' }],
        command: ['/agnhost', 'netexec', '--http-port=8080', '--udp-port=8081'] }),
      addPod(lab, { namespace: 'x', name: 'sh', node: 'node-0', command: ['agnhost', 'serve-hostname', '--tcp', '--http=false', '--port', '9376'] }),
    ]);
  });

  after(async () => {
    if (stateDir === '') return;
    const pids = lab === undefined ? [] : lab.pods.flatMap((p) => (p.process === undefined ? [] : [p.process.pid]));
    await destroyLab(stateDir);
    await assertNoNetnsLeft(prefix === '' ? 'pl-never-' : prefix);
    for (const pid of pids) assert.equal(isRunning(pid), false, `pod process ${pid} still running`);
  });

  it('the fabric does not filter: bridged packets skip the fabric namespace\'s IP hooks (when br_netfilter is loaded)', async (t) => {
    const r = await runRaw('ip', ['netns', 'exec', lab.state.fabric, 'sh', '-c', 'cat /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables']);
    if (r.exitCode !== 0) {
      t.skip('br_netfilter is not loaded: no bridge netfilter to switch off');
      return;
    }
    assert.deepEqual(r.stdout.trim().split('\n'), ['0', '0']);
  });

  it('names every namespace with the lab prefix and places pods as asked', async () => {
    assert.match(prefix, /^pl-[0-9a-f]{6}-$/);
    const mine = (await listNetns()).filter((n) => n.startsWith(prefix)).sort();
    assert.deepEqual(mine, [...lab.state.netns].sort());
    assert.equal(mine.length, 3 + 6); // fabric, 2 nodes, 6 pods
    const byKey = Object.fromEntries(lab.pods.map((p) => [p.key, p]));
    assert.equal(byKey['x/a']?.node, 'node-0');
    assert.equal(byKey['x/a']?.ipv4.startsWith('10.240.0.'), true);
    assert.equal(byKey['x/a']?.ipv6?.startsWith('fd00:10:240::'), true);
    assert.equal(byKey['y/c']?.ipv4, '10.240.1.50');
    assert.equal(byKey['y/d']?.ipv4, '10.99.0.7');
    assert.equal(byKey['y/d']?.ipv6, 'fd00:99::7');
    assert.deepEqual(byKey['y/d']?.extraRoutesOn, ['node-0']);
  });

  it('routes like Calico: pod default via 169.254.1.1, node /32 per pod, no default route on nodes', async () => {
    const a = lab.pod('x/a');
    const podRoutes = await ipIn(a.netns, ['route', 'show']);
    assert.match(podRoutes, /^default via 169\.254\.1\.1 dev eth0/m);
    const podRoutes6 = await ipIn(a.netns, ['-6', 'route', 'show']);
    assert.match(podRoutes6, /^default via fe80::ecee:eeff:feee:eeee dev eth0/m);
    const node0 = lab.nodes[0];
    assert.ok(node0);
    const nodeRoutes = await ipIn(node0.netns, ['route', 'show']);
    assert.match(nodeRoutes, new RegExp(`^${a.ipv4.replaceAll('.', '\\.')} dev ${a.hostVeth} scope link`, 'm'));
    assert.match(nodeRoutes, /^10\.240\.1\.0\/24 via 10\.239\.255\.2 dev fab0/m);
    assert.match(nodeRoutes, /^10\.99\.0\.7 via 10\.239\.255\.2 dev fab0/m);
    assert.doesNotMatch(nodeRoutes, /^default/m);
  });

  it('TCP all pairs connect (no policy), same node and across nodes', async () => {
    const r = await probe(lab, { from: ALL, to: ALL, port: 80, protocol: 'TCP', timeoutMs: 2000 });
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.allowed, allTrue(ALL));
    assert.deepEqual(r.pods, ALL);
  });

  it('UDP all pairs get a reply', async () => {
    const r = await probe(lab, { from: ALL, to: ALL, port: 81, protocol: 'UDP', timeoutMs: 2000 });
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.allowed, allTrue(ALL));
  });

  it('IPv6 all pairs connect (dual-stack pods)', async () => {
    const r = await probe(lab, { from: ALL, to: ALL, port: 80, protocol: 'TCP', timeoutMs: 2000, family: 6 });
    assert.deepEqual(r.messages, []);
    assert.deepEqual(r.allowed, allTrue(ALL));
  });

  it('a port nobody serves: REFUSED (RST), not allowed', async () => {
    const r = await probe(lab, { from: ['x/a'], to: ['y/c'], port: 82, protocol: 'TCP', timeoutMs: 2000 });
    assert.deepEqual(r.allowed, { 'x/a': { 'y/c': false } });
    assert.deepEqual(r.outcome, { 'x/a': { 'y/c': 'REFUSED' } });
    const out = await agn('x/a', 'connect', '10.240.1.50:82', '--timeout=2s');
    assert.deepEqual([out.exitCode, out.stdout, out.stderr], [1, '', 'REFUSED\n']);
  });

  it('connect prints nothing on success', async () => {
    const out = await agn('x/a', 'connect', '10.240.1.50:80', '--timeout=2s');
    assert.deepEqual([out.exitCode, out.stdout, out.stderr], [0, '', '']);
    const udp = await agn('x/a', 'connect', '[fd00:99::7]:81', '--timeout=2s', '--protocol=udp');
    assert.deepEqual([udp.exitCode, udp.stdout, udp.stderr], [0, '', '']);
  });

  it('nothing outside the lab is routable from a pod', async () => {
    const out = await agn('x/a', 'connect', '192.0.2.1:80', '--timeout=1s');
    assert.deepEqual([out.exitCode, out.stderr], [1, 'OTHER: dial tcp 192.0.2.1:80: connect: network is unreachable\n']);
  });

  it('a dropped packet is TIMEOUT (nft drop inside node-1, a lab namespace)', async () => {
    const node1 = lab.nodes[1];
    assert.ok(node1);
    await nftIn(node1.netns, 'table inet labtest {\n chain drops {\n  type filter hook forward priority 0;\n'
      + '  ip daddr 10.240.1.50 tcp dport 80 drop\n  ip daddr 10.240.1.50 udp dport 81 drop\n }\n}\n');
    try {
      const tcp = await agn('x/a', 'connect', '10.240.1.50:80', '--timeout=1s');
      assert.deepEqual([tcp.exitCode, tcp.stdout, tcp.stderr], [1, '', 'TIMEOUT\n']);
      const udp = await agn('x/a', 'connect', '10.240.1.50:81', '--timeout=1s', '--protocol=udp');
      assert.equal(udp.exitCode, 1);
      assert.match(udp.stderr, /^TIMEOUT: read udp 10\.240\.0\.[0-9]+:[0-9]+->10\.240\.1\.50:81: i\/o timeout\n$/);
      const r = await probe(lab, { from: ALL, to: ALL, port: 80, protocol: 'TCP', timeoutMs: 1000 });
      const want = allTrue(ALL);
      for (const src of ALL) (want[src] as Record<string, boolean>)['y/c'] = false;
      // Traffic of a pod to itself is local: it never crosses the node's forward hook.
      (want['y/c'] as Record<string, boolean>)['y/c'] = true;
      assert.deepEqual(r.allowed, want);
      assert.equal(r.outcome['x/a']?.['y/c'], 'TIMEOUT');
    } finally {
      await nftIn(node1.netns, 'delete table inet labtest\n');
    }
  });

  it('netexec answers /hostname, /echo, /clientip over HTTP and hostname over UDP', async () => {
    const web = lab.pod('y/web');
    const a = lab.pod('x/a');
    const code = `const b='http://${web.ipv4}:8080';const out=[];for(const p of ['/hostname','/echo?msg=hello','/clientip']){out.push(await (await fetch(b+p)).text())}`
      + `const d=require('node:dgram').createSocket('udp4');d.on('message',m=>{out.push(String(m));d.close();console.log(JSON.stringify(out))});d.send('hostname',8081,'${web.ipv4}');`;
    const r = await podExec(lab, 'x/a', [process.execPath, '--input-type=commonjs', '-e', `(async()=>{${code}})()`], { timeoutMs: 15_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    const [hostname, echo, clientip, udp] = JSON.parse(r.stdout) as string[];
    assert.equal(hostname, 'web');
    assert.equal(echo, 'hello');
    assert.match(clientip ?? '', new RegExp(`^${a.ipv4.replaceAll('.', '\\.')}:[0-9]+$`));
    assert.equal(udp, 'web');
  });

  it('serve-hostname --tcp writes the pod name; the default server too', async () => {
    const sh = lab.pod('x/sh');
    const read = (ip: string, port: number) => podExec(lab, 'y/c', [process.execPath, '-e',
      `const s=require('node:net').connect(${port},'${ip}');let d='';s.on('data',x=>d+=x);s.on('end',()=>console.log(d))`], { timeoutMs: 10_000 });
    assert.equal((await read(sh.ipv4, 9376)).stdout, 'sh\n');
    assert.equal((await read(lab.pod('x/b').ipv4, 80)).stdout, 'b\n');
  });

  // Where raw SCTP works, src/lab/sctp/raw-sctp.test.ts covers SCTP probing.
  it('SCTP without sockets or raw packets: declared ports carry a warning, probing says unsupported', { skip: sctpSupport().raw ? 'raw SCTP is available here' : false }, async () => {
    const p = await addPod(lab, { namespace: 'z', name: 'sctp', node: 'node-0', ports: [{ port: 9, protocol: 'SCTP' }, { port: 80 }] });
    assert.match(p.warnings[0] ?? '', /^9\/SCTP is not served: sctp unsupported: /);
    await assert.rejects(probe(lab, { port: 9, protocol: 'SCTP' }), (e: unknown) => e instanceof LabError && e.code === 'sctp-unsupported');
    await removePod(lab, 'z/sctp');
  });

  it('a pod whose server dies at start is rolled back', async () => {
    const before = (await listNetns()).filter((n) => n.startsWith(prefix)).length;
    await assert.rejects(
      addPod(lab, { namespace: 'z', name: 'bad', command: ['/agnhost', 'serve-hostname', '--tcp', '--port', '80'] }),
      /exited \(1\) before it was ready[\s\S]*Can't server TCP\/UDP mode and HTTP mode at the same time/,
    );
    assert.equal(lab.pods.some((p) => p.key === 'z/bad'), false);
    assert.equal((await listNetns()).filter((n) => n.startsWith(prefix)).length, before);
  });

  it('rejects a taken IP and a duplicate pod', async () => {
    await assert.rejects(addPod(lab, { namespace: 'z', name: 'dup', ip: '10.240.1.50' }), /already used by pod y\/c/);
    await assert.rejects(addPod(lab, { namespace: 'x', name: 'a' }), /already exists/);
  });

  it('removePod deletes its namespace and frees its IP', async () => {
    const b = lab.pod('x/b');
    await removePod(lab, 'x/b');
    assert.equal((await listNetns()).includes(b.netns), false);
    assert.equal(isRunning(b.process?.pid ?? 0), false);
    const again = await addPod(lab, { namespace: 'x', name: 'b2', ip: b.ipv4, node: 'node-0', ports: SERVED });
    const r = await probe(lab, { from: ['y/c'], to: ['x/b2'], port: 80, protocol: 'TCP', timeoutMs: 2000 });
    assert.deepEqual(r.allowed, { 'y/c': { 'x/b2': true } });
    assert.equal(again.ipv4, b.ipv4);
  });
});
