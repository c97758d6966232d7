// Hosts outside the cluster with real traffic (DESIGN.md "The lab"): pod → external and
// external → pod over TCP and UDP (IPv4 and IPv6) with no policy; egress leaves through
// the source pod's node and ingress enters through the destination pod's node, so an nft
// drop in that node's forward hook makes the connect TIMEOUT and leaves other nodes'
// traffic alone; pods added after the host are routed to it; removal and destroyLab (also
// after kill -9 of the creator) leave no namespace, route or process behind. Root only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { addPod, createLab, destroyLab, podExec, removePod, type Lab } from './topology.ts';
import { addExternalHost, externalHostExec, findExternalHost, removeExternalHost } from './external-hosts.ts';
import { ipIn, listNetns, nftIn } from './netns.ts';
import { run } from './exec.ts';
import { isRunning } from './processes.ts';
import { readState } from './lab-state.ts';
import { LabError } from './errors.ts';
import { assertNoNetnsLeft, crashLabCreator, labSkipReason, tempStateDir } from './test-support.ts';

const skip = await labSkipReason();
const SERVED = [{ port: 80 }, { port: 81, protocol: 'UDP' as const }];
const EXT = '192.0.2.10';
const EXT6 = '2001:db8::10';
const PUBLIC = '8.8.8.8';

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

describe('external hosts with real traffic', { skip, concurrency: false }, () => {
  let stateDir = '';
  let lab: Lab;
  let prefix = '';
  const fromPod = async (key: string, ip: string, port: number, protocol = 'tcp'): Promise<string> => {
    const r = await podExec(lab, key, ['/agnhost', 'connect', hostPort(ip, port), '--timeout=1s', `--protocol=${protocol}`], { timeoutMs: 15_000 });
    return r.exitCode === 0 ? 'connected' : r.stderr.trim();
  };
  const fromHost = async (host: string, ip: string, port: number, protocol = 'tcp'): Promise<string> => {
    const r = await externalHostExec(lab, host, ['/agnhost', 'connect', hostPort(ip, port), '--timeout=1s', `--protocol=${protocol}`], { timeoutMs: 15_000 });
    return r.exitCode === 0 ? 'connected' : r.stderr.trim();
  };

  before(async () => {
    stateDir = tempStateDir('external');
    lab = await createLab({ stateDir, nodes: 2 });
    prefix = lab.prefix;
    await Promise.all([
      addPod(lab, { namespace: 'x', name: 'a', node: 'node-0', ports: SERVED }),
      // Pinned outside node-1's pod CIDR: the host needs a host route to its node.
      addPod(lab, { namespace: 'y', name: 'c', node: 'node-1', ip: '10.99.0.7', ipv6: 'fd00:99::7', ports: SERVED }),
    ]);
    await addExternalHost(lab, { ip: EXT, ipv6: EXT6, ports: [{ port: 443 }, { port: 53, protocol: 'UDP' }] });
    await addExternalHost(lab, { name: 'public', ip: PUBLIC, ports: [{ port: 80 }] });
  });

  after(async () => {
    if (stateDir === '') return;
    const pids = lab === undefined ? [] : lab.externalHosts.flatMap((h) => (h.process === undefined ? [] : [h.process.pid]));
    await destroyLab(stateDir);
    await assertNoNetnsLeft(prefix === '' ? 'pl-never-' : prefix);
    for (const pid of pids) assert.equal(isRunning(pid), false, `external host server ${pid} still running`);
  });

  it('records each host as a namespace of the lab with its addresses', async () => {
    const h = findExternalHost(lab, EXT);
    assert.ok(h);
    assert.equal(h.name, 'ext-192-0-2-10');
    assert.deepEqual(h.ips, [EXT, EXT6]);
    assert.ok(h.netns.startsWith(prefix));
    assert.ok(lab.state.netns.includes(h.netns));
    assert.deepEqual(readState(stateDir)?.externalHosts?.map((x) => x.name), ['ext-192-0-2-10', 'public']);
    const mine = (await listNetns()).filter((n) => n.startsWith(prefix)).sort();
    assert.deepEqual(mine, [...lab.state.netns].sort());
    assert.equal(mine.length, 3 + 2 + 2); // fabric, 2 nodes, 2 pods, 2 hosts
    // The fabric ends are not node addresses.
    assert.ok(!lab.nodes.some((n) => n.ipv4 === h.fabricIpv4));
  });

  it('pod → external over TCP and UDP, IPv4 and IPv6, from both nodes', async () => {
    const got = await Promise.all([
      fromPod('x/a', EXT, 443), fromPod('x/a', EXT, 53, 'udp'), fromPod('y/c', EXT, 443), fromPod('y/c', EXT, 53, 'udp'),
      fromPod('x/a', EXT6, 443), fromPod('y/c', EXT6, 53, 'udp'), fromPod('x/a', PUBLIC, 80), fromPod('y/c', PUBLIC, 80),
    ]);
    assert.deepEqual(got, Array(8).fill('connected'));
    // A port the host does not serve is refused by the host itself (it answered).
    assert.match(await fromPod('x/a', EXT, 444), /^REFUSED/);
  });

  it('external → pod over TCP and UDP, IPv4 and IPv6, to both nodes', async () => {
    const a = lab.pod('x/a');
    const c = lab.pod('y/c');
    assert.ok(a.ipv6 !== undefined && c.ipv6 !== undefined);
    const got = await Promise.all([
      fromHost(EXT, a.ipv4, 80), fromHost(EXT, a.ipv4, 81, 'udp'), fromHost(EXT, c.ipv4, 80), fromHost(EXT, c.ipv4, 81, 'udp'),
      fromHost(EXT, a.ipv6, 80), fromHost(EXT, c.ipv6, 81, 'udp'), fromHost('public', c.ipv4, 80),
    ]);
    assert.deepEqual(got, Array(7).fill('connected'));
    // The host has no IPv6 address of its own: no route, no traffic.
    assert.match(await fromHost('public', c.ipv6, 80), /unreachable/);
  });

  it('the connection carries the outside address as its source', async () => {
    const code = `require('node:net').createServer((s)=>{s.end(s.remoteAddress)}).listen(9090,'0.0.0.0',()=>{process.stdout.write('ok\\n')});`;
    const server = spawn('ip', ['netns', 'exec', lab.pod('y/c').netns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => server.stdout.once('data', () => resolve()));
      const r = await externalHostExec(lab, EXT, [process.execPath, '-e',
        `const s=require('node:net').connect(9090,'${lab.pod('y/c').ipv4}');let d='';s.on('data',(b)=>d+=b);s.on('end',()=>console.log(d))`], { timeoutMs: 10_000 });
      assert.equal(r.stdout.trim(), EXT);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('egress is filtered by the source pod\'s node, ingress by the destination pod\'s node', async () => {
    const [node0, node1] = lab.nodes;
    assert.ok(node0 && node1);
    const c = lab.pod('y/c');
    await nftIn(node0.netns, 'table inet labtest {\n chain drops {\n  type filter hook forward priority 0;\n'
      + `  ip daddr ${EXT} tcp dport 443 drop\n  ip daddr ${EXT} udp dport 53 drop\n }\n}\n`);
    await nftIn(node1.netns, 'table inet labtest {\n chain drops {\n  type filter hook forward priority 0;\n'
      + `  ip saddr ${EXT} ip daddr ${c.ipv4} tcp dport 80 drop\n  ip saddr ${EXT} ip daddr ${c.ipv4} udp dport 81 drop\n }\n}\n`);
    try {
      const got = await Promise.all([
        fromPod('x/a', EXT, 443), fromPod('x/a', EXT, 53, 'udp'), fromPod('y/c', EXT, 443), fromPod('y/c', EXT, 53, 'udp'),
        fromHost(EXT, c.ipv4, 80), fromHost(EXT, c.ipv4, 81, 'udp'), fromHost(EXT, lab.pod('x/a').ipv4, 80), fromHost('public', c.ipv4, 80),
      ]);
      assert.deepEqual(got.map((s) => s.split(':')[0]), ['TIMEOUT', 'TIMEOUT', 'connected', 'connected', 'TIMEOUT', 'TIMEOUT', 'connected', 'connected']);
    } finally {
      await nftIn(node0.netns, 'delete table inet labtest\n');
      await nftIn(node1.netns, 'delete table inet labtest\n');
    }
  });

  it('routes pods added after the host, and forgets removed ones', async () => {
    const late = await addPod(lab, { namespace: 'z', name: 'late', node: 'node-1', ip: '10.77.0.9', ports: SERVED });
    assert.equal(await fromHost(EXT, late.ipv4, 80), 'connected');
    const h = findExternalHost(lab, EXT);
    assert.ok(h);
    assert.match(await ipIn(h.netns, ['route', 'show', '10.77.0.9/32']), /via /);
    await removePod(lab, 'z/late');
    assert.equal((await ipIn(h.netns, ['route', 'show', '10.77.0.9/32'])).trim(), '');
  });

  it('a host replaced by another on the same fabric address is reachable at once', async () => {
    // The new host gets the freed fabric address with a new MAC: the nodes must not keep the old one.
    assert.equal(await fromPod('x/a', '198.51.100.20', 80).catch(() => 'x'), 'OTHER: dial tcp 198.51.100.20:80: connect: network is unreachable');
    const first = await addExternalHost(lab, { ip: '198.51.100.20', ports: [{ port: 80 }] });
    assert.equal(await fromPod('x/a', '198.51.100.20', 80), 'connected');
    await removeExternalHost(lab, first.name);
    const second = await addExternalHost(lab, { ip: '198.51.100.21', ports: [{ port: 80 }] });
    assert.equal(second.fabricIpv4, first.fabricIpv4);
    assert.deepEqual(await Promise.all([fromPod('x/a', '198.51.100.21', 80), fromPod('y/c', '198.51.100.21', 80)]), ['connected', 'connected']);
    await removeExternalHost(lab, second.name);
  });

  it('refuses addresses that belong to a pod, a node, another host or a reserved range', async () => {
    const code = (e: unknown): string => (e instanceof LabError ? e.code : String(e));
    await assert.rejects(addExternalHost(lab, { ip: lab.pod('x/a').ipv4 }), (e) => code(e) === 'conflict');
    await assert.rejects(addExternalHost(lab, { name: 'again', ip: EXT }), (e) => code(e) === 'conflict');
    await assert.rejects(addExternalHost(lab, { ip: lab.nodes[0]?.ipv4 ?? '' }), (e) => code(e) === 'invalid-argument');
    await assert.rejects(addExternalHost(lab, { ip: '127.0.0.5' }), (e) => code(e) === 'invalid-argument');
    await assert.rejects(addPod(lab, { namespace: 'z', name: 'clash', node: 'node-0', ip: EXT }), (e) => code(e) === 'conflict');
    assert.equal(lab.externalHosts.length, 2);
  });

  it('touches nothing in the host\'s own namespace', async () => {
    const links = await run('ip', ['-o', 'link', 'show']);
    assert.ok(!links.includes(prefix), 'a lab link appeared in the host namespace');
    const routes = await run('ip', ['route', 'show']);
    assert.ok(!routes.includes(`${EXT} `) && !routes.includes(`${PUBLIC} `), 'a lab route appeared in the host namespace');
  });

  it('removal deletes the namespace, its server and the nodes\' routes to it', async () => {
    const h = findExternalHost(lab, 'public');
    assert.ok(h?.process);
    await removeExternalHost(lab, 'public');
    assert.equal(isRunning(h.process.pid), false);
    assert.ok(!(await listNetns()).includes(h.netns));
    for (const n of lab.nodes) assert.equal((await ipIn(n.netns, ['route', 'show', `${PUBLIC}/32`])).trim(), '');
    assert.match(await fromPod('x/a', PUBLIC, 80), /network is unreachable/);
    assert.equal(findExternalHost(lab, PUBLIC), undefined);
    assert.ok(!lab.state.netns.includes(h.netns));
  });
});

describe('destroyLab and external hosts', { skip }, () => {
  it('removes external hosts after the creating process was killed with SIGKILL', async (t) => {
    const stateDir = tempStateDir('external-crash');
    t.after(() => destroyLab(stateDir));
    const prefix = await crashLabCreator({ 'topology.ts': ['createLab', 'addPod'], 'external-hosts.ts': ['addExternalHost'] },
      `const lab = await createLab({ stateDir: ${JSON.stringify(stateDir)}, nodes: 1, podCidrV6: false });
await addPod(lab, { namespace: 'a', name: 'p', ports: [{ port: 80 }] });
await addExternalHost(lab, { ip: '198.51.100.9', ports: [{ port: 53, protocol: 'UDP' }] });`);

    const state = readState(stateDir);
    const host = state?.externalHosts?.[0];
    assert.ok(host?.process);
    assert.equal(isRunning(host.process.pid), true, 'the host server outlives its creator');
    assert.ok((await listNetns()).includes(host.netns));

    const report = await destroyLab(stateDir);
    assert.ok(report.netnsDeleted.includes(host.netns));
    assert.equal(report.processesKilled, 2);
    assert.equal(isRunning(host.process.pid), false);
    await assertNoNetnsLeft(prefix);
  });
});
