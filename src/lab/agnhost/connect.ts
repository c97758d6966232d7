// `agnhost connect HOST:PORT [--timeout=D] [--protocol=tcp|udp|sctp] [--udp-data=S]`:
// one connection attempt with agnhost's exact outcome lines on stderr — nothing on
// success, `TIMEOUT` when dropped, `REFUSED` on RST/port-unreachable, `OTHER: …` else —
// and exit code 0 only on success. Upstream: kubernetes/kubernetes
// test/images/agnhost/connect/connect.go. The prober reuses `attemptConnect`.
// SCTP (no SCTP sockets here) is one raw INIT: success means an INIT-ACK came back, so a
// policy allowed the INIT both ways through conntrack, as for a real association's start.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { FlagError, flagNumber, flagString, parseFlags } from './flags.ts';
import { sctpSupport } from '../sctp.ts';
import { rawSctpProbe } from '../sctp/raw-sctp.ts';

/** agnhost without --timeout waits for the kernel to give up; one raw INIT waits this long. */
const SCTP_NO_DEADLINE_MS = 30_000;

export type ConnectStatus = 'connected' | 'TIMEOUT' | 'REFUSED' | 'OTHER' | 'DNS' | 'UNKNOWN';

export interface ConnectOutcome {
  readonly status: ConnectStatus;
  /** The line agnhost prints on stderr ('' on success). */
  readonly message: string;
}

export type ConnectProtocol = 'tcp' | 'udp' | 'sctp';

export interface ConnectRequest {
  /** `host:port` or `[v6]:port`, as agnhost takes it. */
  readonly dest: string;
  readonly protocol: ConnectProtocol;
  /** 0 = no deadline (agnhost's default). */
  readonly timeoutMs: number;
  /** UDP payload, a newline is appended (agnhost default `hostname`). */
  readonly udpData?: string;
}

/** Go's net.SplitHostPort, enough for IP literals and names. */
export function splitHostPort(dest: string): { host: string; port: number } | string {
  let host: string;
  let portText: string;
  if (dest.startsWith('[')) {
    const close = dest.indexOf(']');
    if (close < 0) return `address ${dest}: missing ']' in address`;
    host = dest.slice(1, close);
    if (dest[close + 1] !== ':') return `address ${dest}: missing port in address`;
    portText = dest.slice(close + 2);
  } else {
    const colon = dest.lastIndexOf(':');
    if (colon < 0) return `address ${dest}: missing port in address`;
    host = dest.slice(0, colon);
    if (host.includes(':')) return `address ${dest}: too many colons in address`;
    portText = dest.slice(colon + 1);
  }
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return `address ${dest}: invalid port`;
  return { host, port: Number(portText) };
}

/** Go's host:port text of an address (IPv6 in brackets). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ECONNRESET: 'connection reset by peer',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ETIMEDOUT: 'connection timed out',
  EAFNOSUPPORT: 'address family not supported by protocol',
};

function strerror(e: NodeJS.ErrnoException): string {
  return (e.code !== undefined ? STRERROR[e.code] : undefined) ?? e.message;
}

async function resolve(host: string): Promise<string | ConnectOutcome> {
  if (net.isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    return { status: 'DNS', message: `DNS: lookup ${host}: no such host` };
  }
}

function connectTcp(ip: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  const where = joinHostPort(ip, port);
  return new Promise((done) => {
    const sock = net.connect({ host: ip, port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (o: ConnectOutcome): void => {
      if (timer !== undefined) clearTimeout(timer);
      sock.removeAllListeners('connect');
      sock.removeAllListeners('error');
      sock.on('error', () => undefined);
      sock.destroy();
      done(o);
    };
    if (timeoutMs > 0) timer = setTimeout(() => finish({ status: 'TIMEOUT', message: 'TIMEOUT' }), timeoutMs);
    sock.once('connect', () => finish({ status: 'connected', message: '' }));
    sock.once('error', (e: NodeJS.ErrnoException) => {
      // Go's OpError.Timeout() is true for ETIMEDOUT (the kernel gave up on SYNs).
      if (e.code === 'ETIMEDOUT') finish({ status: 'TIMEOUT', message: 'TIMEOUT' });
      else if (e.code === 'ECONNREFUSED') finish({ status: 'REFUSED', message: 'REFUSED' });
      else finish({ status: 'OTHER', message: `OTHER: dial tcp ${where}: connect: ${strerror(e)}` });
    });
  });
}

function connectUdp(ip: string, port: number, timeoutMs: number, data: string): Promise<ConnectOutcome> {
  return new Promise((done) => {
    const sock = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');
    let timer: NodeJS.Timeout | undefined;
    let pair = `${joinHostPort(net.isIPv6(ip) ? '::' : '0.0.0.0', 0)}->${joinHostPort(ip, port)}`;
    const finish = (o: ConnectOutcome): void => {
      if (timer !== undefined) clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      try { sock.close(); } catch { /* closed */ }
      done(o);
    };
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') finish({ status: 'REFUSED', message: `REFUSED: read udp ${pair}: connection refused` });
      else finish({ status: 'UNKNOWN', message: `UNKNOWN: read udp ${pair}: ${strerror(e)}` });
    });
    sock.on('message', (msg) => {
      if (msg.length === 0) {
        finish({ status: 'OTHER', message: 'OTHER: No data received from the server. Cannot guarantee the server received the request.' });
      } else finish({ status: 'connected', message: '' });
    });
    sock.connect(port, ip, () => {
      const local = sock.address();
      pair = `${joinHostPort(local.address, local.port)}->${joinHostPort(ip, port)}`;
      if (timeoutMs > 0) timer = setTimeout(() => finish({ status: 'TIMEOUT', message: `TIMEOUT: read udp ${pair}: i/o timeout` }), timeoutMs);
      sock.send(`${data}\n`);
    });
  });
}

/** One attempt, with agnhost's outcome. Never throws. */
export async function attemptConnect(req: ConnectRequest): Promise<ConnectOutcome> {
  const hp = splitHostPort(req.dest);
  if (typeof hp === 'string') {
    return req.protocol === 'tcp' ? { status: 'UNKNOWN', message: `UNKNOWN: ${hp}` } : { status: 'DNS', message: `DNS: ${hp}` };
  }
  const sctp = req.protocol === 'sctp' ? sctpSupport() : undefined;
  if (sctp !== undefined && !sctp.raw) return { status: 'OTHER', message: `OTHER: ${sctp.reason}` };
  const ip = await resolve(hp.host);
  if (typeof ip !== 'string') return ip;
  if (sctp !== undefined) {
    const r = await rawSctpProbe([{ key: 'dest', ip, port: hp.port }], req.timeoutMs > 0 ? req.timeoutMs : SCTP_NO_DEADLINE_MS);
    return r['dest'] ?? { status: 'UNKNOWN', message: 'UNKNOWN: no result' };
  }
  return req.protocol === 'tcp'
    ? connectTcp(ip, hp.port, req.timeoutMs)
    : connectUdp(ip, hp.port, req.timeoutMs, req.udpData ?? 'hostname');
}

const SPECS = {
  timeout: { kind: 'duration', default: 0 },
  protocol: { kind: 'string', default: 'tcp' },
  'udp-data': { kind: 'string', default: 'hostname' },
  'sctp-data': { kind: 'string', default: 'hostname' },
} as const;

/** The subcommand: writes agnhost's stderr line, returns the exit code. */
export async function connectMain(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(args, SPECS);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`Error: ${e.message}\n`);
    return 1;
  }
  const { values, positional } = parsed;
  if (positional.length !== 1 || positional[0] === undefined) {
    process.stderr.write(`Error: accepts 1 arg(s), received ${positional.length}\n`);
    return 1;
  }
  const protocol = flagString(values, 'protocol');
  const proto = protocol === '' ? 'tcp' : protocol;
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') {
    process.stderr.write(`Unsupported protocol\n${protocol}`);
    return 1;
  }
  const outcome = await attemptConnect({
    dest: positional[0], protocol: proto, timeoutMs: flagNumber(values, 'timeout'), udpData: flagString(values, 'udp-data'),
  });
  if (outcome.status === 'connected') return 0;
  process.stderr.write(`${outcome.message}\n`);
  return 1;
}
