// `agnhost connect` output contract (kubernetes/kubernetes
// test/images/agnhost/connect/connect.go): nothing on success (exit 0); `REFUSED` for a
// TCP RST; `REFUSED: read udp L->R: connection refused` for UDP port-unreachable; cobra's
// arg errors. Runs the real entry point against loopback listeners of this test (the
// dropped-packet `TIMEOUT` case needs a lab: see ../topology.test.ts).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { runRaw } from '../exec.ts';
import { splitHostPort } from './connect.ts';
import { udpCommandReply } from './netexec.ts';
import { sctpSupport } from '../sctp.ts';

const AGNHOST = fileURLToPath(new URL('./agnhost.ts', import.meta.url));
const agnhost = (...args: string[]) => runRaw(process.execPath, [AGNHOST, ...args], { timeoutMs: 10_000 });

async function freePort(type: 'tcp' | 'udp'): Promise<number> {
  if (type === 'tcp') {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const u = dgram.createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
  const port = u.address().port;
  await new Promise<void>((r) => u.close(() => r()));
  return port;
}

describe('splitHostPort (Go net.SplitHostPort)', () => {
  it('IPv4', () => assert.deepEqual(splitHostPort('10.0.0.1:80'), { host: '10.0.0.1', port: 80 }));
  it('IPv6 in brackets', () => assert.deepEqual(splitHostPort('[fd00::1]:8080'), { host: 'fd00::1', port: 8080 }));
  it('missing port', () => assert.match(String(splitHostPort('10.0.0.1')), /missing port in address/));
  it('bare IPv6', () => assert.match(String(splitHostPort('fd00::1:80')), /too many colons/));
});

describe('netexec UDP commands (netexec.go startUDPServer)', () => {
  it('hostname', () => assert.equal(udpCommandReply('hostname\n', '1.2.3.4:5', 'pod-a'), 'pod-a'));
  it('echo lower-cases like upstream', () => assert.equal(udpCommandReply('echo Hi There', '1.2.3.4:5', 'p'), 'hi there'));
  it('clientip', () => assert.equal(udpCommandReply('clientip', '1.2.3.4:5', 'p'), '1.2.3.4:5'));
  it('unknown command gets no reply', () => assert.equal(udpCommandReply('what', '1.2.3.4:5', 'p'), undefined));
});

describe('agnhost connect on loopback', () => {
  let tcp: net.Server;
  let udp: dgram.Socket;
  let tcpPort = 0;
  let udpPort = 0;
  before(async () => {
    tcp = net.createServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpPort = (tcp.address() as net.AddressInfo).port;
    udp = dgram.createSocket('udp4');
    udp.on('message', (_m, rinfo) => udp.send('echo-host', rinfo.port, rinfo.address));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    udpPort = udp.address().port;
  });
  after(() => { tcp.close(); udp.close(); });

  it('TCP success prints nothing, exit 0', async () => {
    const r = await agnhost('connect', `127.0.0.1:${tcpPort}`, '--timeout=2s');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, '', '']);
  });
  it('UDP success (a reply came) prints nothing, exit 0', async () => {
    const r = await agnhost('connect', `127.0.0.1:${udpPort}`, '--timeout=2s', '--protocol=udp');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, '', '']);
  });
  it('TCP to a closed port: REFUSED, exit 1', async () => {
    const port = await freePort('tcp');
    const r = await agnhost('connect', `127.0.0.1:${port}`, '--timeout=2s');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [1, '', 'REFUSED\n']);
  });
  it('UDP to a closed port: REFUSED: read udp …: connection refused, exit 1', async () => {
    const port = await freePort('udp');
    const r = await agnhost('connect', `127.0.0.1:${port}`, '--timeout=2s', '--protocol', 'udp');
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, new RegExp(`^REFUSED: read udp 127\\.0\\.0\\.1:[0-9]+->127\\.0\\.0\\.1:${port}: connection refused\\n$`));
  });
  it('no destination: cobra arg error, exit 1', async () => {
    const r = await agnhost('connect', '--timeout=1s');
    assert.deepEqual([r.exitCode, r.stderr], [1, 'Error: accepts 1 arg(s), received 0\n']);
  });
  it('unknown protocol', async () => {
    const r = await agnhost('connect', '127.0.0.1:1', '--protocol=icmp');
    assert.deepEqual([r.exitCode, r.stderr], [1, 'Unsupported protocol\nicmp']);
  });
  it('SCTP: unsupported without raw packets; else an unanswered raw INIT (no responder on loopback)', async () => {
    const r = await agnhost('connect', `127.0.0.1:${tcpPort}`, '--protocol=sctp', '--timeout=1s');
    assert.equal(r.exitCode, 1);
    const root = process.getuid?.() === 0;
    assert.match(r.stderr, !sctpSupport().raw ? /^OTHER: sctp unsupported: / : root ? /^TIMEOUT\n$/ : /^OTHER: dial sctp 127\.0\.0\.1: /);
  });
  it('unknown subcommand', async () => {
    const r = await agnhost('bogus');
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /unknown command "bogus" for "agnhost"/);
  });
});
