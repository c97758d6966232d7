// Listeners bound like Go's `net.Listen("tcp", ":N")`: on every address of the pod, IPv4
// and IPv6 (a dual-stack `::` socket), falling back to IPv4 only where IPv6 is off.
import dgram from 'node:dgram';
import net from 'node:net';

export function listenTcp(port: number, onConnection: (s: net.Socket) => void, host?: string): Promise<net.Server> {
  const attempt = (h: string): Promise<net.Server> => new Promise((resolve, reject) => {
    const server = net.createServer(onConnection);
    server.once('error', reject);
    server.listen({ port, host: h, ipv6Only: false }, () => {
      server.removeListener('error', reject);
      resolve(server);
    });
  });
  if (host !== undefined) return attempt(host);
  return attempt('::').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EAFNOSUPPORT' || e.code === 'EADDRNOTAVAIL') return attempt('0.0.0.0');
    throw e;
  });
}

export function bindUdp(port: number, host?: string): Promise<dgram.Socket> {
  const attempt = (type: 'udp4' | 'udp6', h: string): Promise<dgram.Socket> => new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type, ipv6Only: false });
    sock.once('error', reject);
    sock.bind(port, h, () => {
      sock.removeListener('error', reject);
      resolve(sock);
    });
  });
  if (host !== undefined) return attempt(net.isIPv6(host) ? 'udp6' : 'udp4', host);
  return attempt('udp6', '::').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EAFNOSUPPORT' || e.code === 'EADDRNOTAVAIL') return attempt('udp4', '0.0.0.0');
    throw e;
  });
}

/** `ip:port` as Go prints a peer: IPv4-mapped IPv6 shown as plain IPv4, IPv6 in brackets. */
export function peerString(address: string | undefined, port: number | undefined): string {
  let a = address ?? '';
  if (/^::ffff:[0-9.]+$/i.test(a)) a = a.slice(7);
  return a.includes(':') ? `[${a}]:${port ?? 0}` : `${a}:${port ?? 0}`;
}
