// `agnhost serve-hostname [--tcp] [--udp] [--http=false] [--close] [--port N]`: answers
// every TCP connection, UDP datagram or HTTP request with the pod's hostname. Upstream:
// kubernetes/kubernetes test/images/agnhost/serve-hostname/serve_hostname.go.
import http from 'node:http';
import { flagBool, flagNumber } from './flags.ts';
import { bindUdp, listenTcp, peerString } from './listen.ts';
import { fatalf, flagsOrExit, logf, podHostname, signalReady } from './runtime.ts';

const SPECS = {
  tcp: { kind: 'bool', default: false },
  udp: { kind: 'bool', default: false },
  http: { kind: 'bool', default: true },
  close: { kind: 'bool', default: false },
  port: { kind: 'int', default: 9376 },
} as const;

/** Raw TCP: write the hostname and close, as serve-hostname --tcp does. */
export function serveHostnameTcp(port: number, name: string): Promise<unknown> {
  return listenTcp(port, (conn) => {
    logf(`TCP request from ${peerString(conn.remoteAddress, conn.remotePort)}`);
    conn.on('error', () => undefined);
    conn.end(name);
  });
}

/** Raw UDP: any datagram is answered with the hostname, as serve-hostname --udp does. */
export async function serveHostnameUdp(port: number, name: string): Promise<unknown> {
  const sock = await bindUdp(port);
  sock.on('message', (_msg, rinfo) => {
    logf(`UDP request from ${peerString(rinfo.address, rinfo.port)}`);
    sock.send(name, rinfo.port, rinfo.address);
  });
  return sock;
}

export async function serveHostnameMain(args: readonly string[]): Promise<void> {
  const values = flagsOrExit(args, SPECS);
  const doTcp = flagBool(values, 'tcp');
  const doUdp = flagBool(values, 'udp');
  const doHttp = flagBool(values, 'http');
  const port = flagNumber(values, 'port');
  if (doHttp && (doTcp || doUdp)) fatalf("Can't server TCP/UDP mode and HTTP mode at the same time");
  const name = podHostname();
  try {
    if (doTcp) await serveHostnameTcp(port, name);
    if (doUdp) await serveHostnameUdp(port, name);
    if (doHttp) {
      const close = flagBool(values, 'close');
      const server = http.createServer((req, res) => {
        logf(`HTTP request from ${peerString(req.socket.remoteAddress, req.socket.remotePort)}`);
        if (close) res.setHeader('Connection', 'close');
        res.end(name);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: '::', ipv6Only: false }, resolve);
      });
    }
  } catch (e) {
    fatalf(`Error from net.Listen(): ${(e as Error).message}`);
  }
  logf(`Serving on port ${port}.`);
  signalReady();
  // Upstream lingers 60 s after SIGTERM awaiting pod deletion; the lab deletes pods by
  // SIGKILL, so SIGTERM ends the process at once.
  process.once('SIGTERM', () => {
    logf('Shutting down after receiving signal: terminated.');
    process.exit(0);
  });
}
