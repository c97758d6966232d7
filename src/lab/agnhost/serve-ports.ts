// `serve-ports PORT/PROTO…` (a Palisade addition, not an agnhost subcommand): the default
// server of a lab pod. Each declared container port answers like `serve-hostname`: TCP
// writes the hostname and closes, UDP replies with the hostname. SCTP ports are logged
// as unsupported (Node.js has no SCTP sockets).
import { serveHostnameTcp, serveHostnameUdp } from './serve-hostname.ts';
import { fatalf, logf, podHostname, signalReady } from './runtime.ts';
import { sctpSupport } from '../sctp.ts';

export async function servePortsMain(args: readonly string[]): Promise<void> {
  const name = podHostname();
  for (const spec of args) {
    const m = /^([0-9]{1,5})\/(TCP|UDP|SCTP)$/i.exec(spec);
    const port = Number(m?.[1]);
    if (m === null || m[2] === undefined || port < 1 || port > 65535) fatalf(`serve-ports: invalid port ${JSON.stringify(spec)} (want N/TCP, N/UDP or N/SCTP)`);
    const proto = m[2].toUpperCase();
    try {
      if (proto === 'TCP') await serveHostnameTcp(port, name);
      else if (proto === 'UDP') await serveHostnameUdp(port, name);
      else { logf(`${spec}: not served: ${sctpSupport().reason}`); continue; }
    } catch (e) {
      fatalf(`serve-ports: ${spec}: ${(e as Error).message}`);
    }
    logf(`Serving ${proto} on port ${port}.`);
  }
  signalReady();
  process.once('SIGTERM', () => process.exit(0));
}
