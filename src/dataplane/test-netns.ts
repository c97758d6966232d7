// Test-only: a minimal routed topology of network namespaces for the real-kernel tests —
// one node namespace and N pod namespaces named `pd-<id>-…`, each pod with a veth to the
// node, its /32 address, and a default route via 169.254.1.1 on the node's lo (Calico's
// scheme, DESIGN.md "The lab"). Nothing is connected to the host's namespace. Pods run a
// tiny TCP+UDP responder; probes are real connections made from inside a namespace. With
// `nodeAddress`, the node gets that address on its lo and a responder bound to it, so
// traffic between the pods and their own node (input and output hooks) can be probed.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FixturePod {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
}

export interface Fixture {
  readonly prefix: string;
  readonly node: string;
  /** The node's own address, when asked for. */
  readonly nodeAddress: string | undefined;
  readonly pods: readonly FixturePod[];
  destroy(): Promise<void>;
}

/** Why the kernel tests cannot run here, or undefined when they can. */
export async function kernelSkipReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nftables)';
  for (const bin of ['ip', 'nft']) {
    try {
      await run(bin, ['-V']);
    } catch {
      return `\`${bin}\` is not installed`;
    }
  }
  return undefined;
}

async function ip(args: readonly string[]): Promise<void> {
  await run('ip', [...args]);
}

async function inNs(ns: string, cmd: string, args: readonly string[]): Promise<void> {
  await run('ip', ['netns', 'exec', ns, cmd, ...args]);
}

const SERVER = `
const net = require('node:net'); const dgram = require('node:dgram');
const [tcp, udp, host] = JSON.parse(process.argv[1]);
let pending = tcp.length + udp.length;
const up = () => { if (--pending === 0) process.stdout.write('ready\\n'); };
for (const p of tcp) net.createServer((s) => s.end('ok')).listen(p, host, up);
for (const p of udp) { const s = dgram.createSocket('udp4'); s.on('message', (m, r) => s.send('ok', r.port, r.address)); s.bind(p, host, up); }
`;

const CLIENT = `
const net = require('node:net'); const dgram = require('node:dgram');
const probes = JSON.parse(process.argv[1]);
const one = (p) => new Promise((resolve) => {
  const done = (ok) => { clearTimeout(t); resolve(ok); };
  const t = setTimeout(() => { try { sock.destroy?.(); sock.close?.(); } catch {} resolve(false); }, 1500);
  let sock;
  if (p.protocol === 'TCP') {
    sock = net.connect({ host: p.ip, port: p.port, ...(p.from === undefined ? {} : { localAddress: p.from }) });
    sock.on('data', () => { sock.destroy(); done(true); });
    sock.on('error', () => done(false));
  } else {
    sock = dgram.createSocket('udp4');
    sock.on('message', () => { sock.close(); done(true); });
    if (p.from === undefined) sock.send('x', p.port, p.ip);
    else sock.bind(0, p.from, () => sock.send('x', p.port, p.ip));
  }
});
Promise.all(probes.map(one)).then((r) => process.stdout.write(JSON.stringify(r)));
`;

export async function createFixture(podCount: number, servePorts: { tcp: number[]; udp: number[] }, opts: { readonly nodeAddress?: string } = {}): Promise<Fixture> {
  const prefix = `pd-${randomBytes(3).toString('hex')}-`;
  const node = `${prefix}node`;
  const created: string[] = [];
  const servers: ChildProcess[] = [];
  const pods: FixturePod[] = [];
  const destroy = async (): Promise<void> => {
    for (const s of servers) if (s.exitCode === null && s.pid !== undefined) s.kill('SIGKILL');
    await Promise.all(servers.map((s) => (s.exitCode !== null || s.signalCode !== null ? undefined : new Promise((r) => s.once('exit', r)))));
    for (const ns of created.reverse()) await ip(['netns', 'del', ns]).catch(() => undefined);
  };
  try {
    created.push(node);
    await ip(['netns', 'add', node]);
    await inNs(node, 'ip', ['link', 'set', 'lo', 'up']);
    await inNs(node, 'ip', ['addr', 'add', '169.254.1.1/32', 'dev', 'lo']);
    await inNs(node, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
    if (opts.nodeAddress !== undefined) await ip(['-n', node, 'addr', 'add', `${opts.nodeAddress}/32`, 'dev', 'lo']);
    for (let i = 0; i < podCount; i++) {
      const ns = `${prefix}p${i}`;
      const addr = `10.77.0.${i + 1}`;
      created.push(ns);
      await ip(['netns', 'add', ns]);
      await ip(['-n', node, 'link', 'add', `vp${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await ip(['-n', node, 'link', 'set', `vp${i}`, 'up']);
      await ip(['-n', node, 'route', 'add', `${addr}/32`, 'dev', `vp${i}`]);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', ns, 'addr', 'add', `${addr}/32`, 'dev', 'eth0']);
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', ns, 'route', 'add', '169.254.1.1', 'dev', 'eth0', 'scope', 'link']);
      await ip(['-n', ns, 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0']);
      pods.push({ name: `p${i}`, netns: ns, ip: addr });
    }
    // The node's responder is bound to the node address: its UDP replies leave from the
    // address the pod sent to, so conntrack sees them as replies.
    const responders = [...pods.map((p) => ({ netns: p.netns, host: '0.0.0.0' })), ...(opts.nodeAddress === undefined ? [] : [{ netns: node, host: opts.nodeAddress }])];
    for (const r of responders) {
      const s = spawn('ip', ['netns', 'exec', r.netns, process.execPath, '-e', SERVER, JSON.stringify([servePorts.tcp, servePorts.udp, r.host])], { stdio: ['ignore', 'pipe', 'inherit'] });
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
        s.once('exit', (code) => reject(new Error(`server in ${r.netns} exited with ${code}`)));
      });
    }
  } catch (e) {
    await destroy();
    throw e;
  }
  return { prefix, node, nodeAddress: opts.nodeAddress, pods, destroy };
}

export interface ProbeSpec {
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** Local address to connect from (the node's own address when probing from the node). */
  readonly from?: string;
}

/** Real connections from inside `netns`, in parallel: true when the responder answered. */
export async function probeFrom(netns: string, probes: readonly ProbeSpec[]): Promise<boolean[]> {
  const { stdout } = await run('ip', ['netns', 'exec', netns, process.execPath, '-e', CLIENT, JSON.stringify(probes)], { timeout: 20_000 });
  return JSON.parse(stdout) as boolean[];
}

export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '');
}

/**
 * Runs `body` with one empty network namespace `pd-<id>-<suffix>` (no links, no pods):
 * skipped, saying why, where the kernel tests cannot run; the namespace is always deleted.
 */
export async function withEmptyNamespace(t: { skip(message: string): void }, suffix: string, body: (netns: string) => Promise<void>): Promise<void> {
  const skip = await kernelSkipReason();
  if (skip !== undefined) {
    t.skip(`kernel test skipped: ${skip}`);
    return;
  }
  const netns = `pd-${randomBytes(3).toString('hex')}-${suffix}`;
  await ip(['netns', 'add', netns]);
  try {
    await body(netns);
  } finally {
    await ip(['netns', 'del', netns]);
  }
  if ((await listNamespaces()).includes(netns)) throw new Error(`test namespace ${netns} was not removed`);
}
