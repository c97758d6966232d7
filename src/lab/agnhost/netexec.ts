// `agnhost netexec [--http-port N] [--udp-port N|-1] [--sctp-port N]
// [--udp-listen-addresses a,b] [--http-override PATH]`: the HTTP endpoints and the UDP
// command server that Kubernetes e2e tests talk to. Upstream: kubernetes/kubernetes
// test/images/agnhost/netexec/netexec.go. Not carried over: TLS, /shell and /upload
// (they run commands / write files on the host, which lab pods share) answer 501.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { flagNumber, flagString, parseGoDuration } from './flags.ts';
import { joinHostPort, splitHostPort } from './connect.ts';
import { bindUdp, peerString } from './listen.ts';
import { fatalf, flagsOrExit, logf, podHostname, signalReady } from './runtime.ts';
import { sctpSupport } from '../sctp.ts';

const SPECS = {
  'http-port': { kind: 'int', default: 8080 },
  'udp-port': { kind: 'int', default: 8081 },
  'sctp-port': { kind: 'int', default: -1 },
  'http-override': { kind: 'string', default: '' },
  'udp-listen-addresses': { kind: 'string', default: '' },
  'tls-cert-file': { kind: 'string', default: '' },
  'tls-private-key-file': { kind: 'string', default: '' },
} as const;

let serverReady = false;

/** Answers one UDP command: `hostname`, `echo <msg>`, `clientip`; undefined for others. */
export function udpCommandReply(text: string, client: string, hostname: string): string | undefined {
  const received = text.trim().toLowerCase();
  if (received === 'hostname') return hostname;
  if (received.startsWith('echo ')) return received.slice(5);
  if (received === 'clientip') return client;
  return undefined;
}

async function startUdpServer(address: string, port: number): Promise<dgram.Socket> {
  const sock = await bindUdp(port, address === '' ? undefined : address);
  logf(`Started UDP server on port ${address} ${port}`);
  serverReady = true;
  sock.on('message', (msg, rinfo) => {
    const client = peerString(rinfo.address, rinfo.port);
    const reply = udpCommandReply(msg.toString('utf8'), client, podHostname());
    if (reply !== undefined) sock.send(reply, rinfo.port, rinfo.address);
    else if (msg.toString('utf8').trim() !== '') logf(`Unknown UDP command received from ${client}: ${msg.toString('utf8').trim().toLowerCase()}`);
  });
  sock.on('close', () => { logf('UDP server exited'); serverReady = false; });
  return sock;
}

function dialHttp(request: string, hostPort: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${hostPort}/${request}`, { timeout: 5000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Get "http://${hostPort}/${request}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', reject);
  });
}

function dialUdp(request: string, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { sock.close(); reject(new Error("reading from udp connection failed. err:'i/o timeout'")); }, 5000);
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(new Error(`reading from udp connection failed. err:'${e.message}'`)); });
    sock.on('message', (m) => { clearTimeout(timer); sock.close(); resolve(m.toString('utf8')); });
    sock.connect(port, host, () => sock.send(request));
  });
}

async function dialHandler(q: URLSearchParams, res: http.ServerResponse): Promise<void> {
  const host = q.get('host') ?? '';
  const port = q.get('port') ?? '';
  const request = q.get('request') ?? '';
  const protocol = (q.get('protocol') ?? '').toLowerCase();
  const triesText = q.get('tries') ?? '';
  logf(`GET /dial?host=${host}&protocol=${protocol}&port=${port}&request=${request}&tries=${triesText}`);
  const tries = triesText === '' ? 1 : Number(triesText);
  if (!Number.isInteger(tries)) return httpError(res, 400, `tries parameter is invalid. strconv.Atoi: parsing ${JSON.stringify(triesText)}: invalid syntax`);
  if (request === '') return httpError(res, 400, 'request parameter not specified. <nil>');
  const hp = splitHostPort(joinHostPort(host, Number(port)));
  if (typeof hp === 'string' || !/^[0-9]+$/.test(port)) return httpError(res, 400, `host and/or port param are invalid. ${String(hp)}`);
  let dialer: () => Promise<string>;
  if (protocol === '' || protocol === 'http') dialer = () => dialHttp(request, joinHostPort(host, hp.port));
  else if (protocol === 'udp') dialer = () => dialUdp(request, host, hp.port);
  else if (protocol === 'sctp') dialer = () => Promise.reject(new Error(`sctp dial failed. err:${sctpSupport().reason}`));
  else return httpError(res, 400, `unsupported protocol. ${protocol}`);
  const responses: string[] = [];
  const errors: string[] = [];
  let last = '';
  for (let i = 0; i < tries; i++) {
    try {
      last = await dialer();
      responses.push(last);
    } catch (e) {
      last = '';
      errors.push((e as Error).message);
    }
  }
  // Upstream reports responses only when the last try answered (sic).
  const output: Record<string, string[]> = {};
  if (last.length > 0) output['responses'] = responses;
  if (errors.length > 0) output['errors'] = errors;
  res.end(JSON.stringify(output));
}

function httpError(res: http.ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${message}\n`);
}

async function route(path: string, q: URLSearchParams, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const client = peerString(req.socket.remoteAddress, req.socket.remotePort);
  switch (path) {
    case '/clientip':
      logf('GET /clientip');
      return void res.end(client);
    case '/dial':
      return dialHandler(q, res);
    case '/echo': {
      const msg = q.get('msg') ?? '';
      const codeText = q.get('code') ?? '';
      logf(`GET /echo?msg=${msg}&code=${codeText}`);
      if (codeText !== '') {
        if (!/^[+-]?[0-9]+$/.test(codeText)) return void res.end(`argument 'code' must be an integer or empty, got ${JSON.stringify(codeText)}\n`);
        res.statusCode = Number(codeText);
      }
      return void res.end(msg);
    }
    case '/exit': {
      const codeText = q.get('code') ?? '';
      const code = codeText === '' ? 0 : Number(codeText);
      if (!Number.isInteger(code)) return void res.end(`argument 'code' must be an integer [0-127] or empty, got ${JSON.stringify(codeText)}\n`);
      let wait: number;
      try { wait = q.get('wait') ? parseGoDuration(q.get('wait') ?? '') : 0; } catch {
        return void res.end(`argument 'wait' must be a valid golang duration or empty, got ${JSON.stringify(q.get('wait'))}\n`);
      }
      logf(`GET /exit?code=${codeText}&timeout=${q.get('timeout') ?? ''}&wait=${q.get('wait') ?? ''}`);
      setTimeout(() => process.exit(code), wait);
      return;
    }
    case '/healthz':
      logf('GET /healthz');
      res.statusCode = serverReady ? 200 : 412;
      return void res.end();
    case '/hostname':
    case '/hostName':
      logf(`GET ${path}`);
      return void res.end(podHostname());
    case '/redirect': {
      const location = q.get('location') ?? '';
      const codeText = q.get('code') ?? '';
      logf(`${req.method ?? 'GET'} /redirect?msg=${location}&code=${codeText}`);
      if (codeText !== '' && !/^[+-]?[0-9]+$/.test(codeText)) return void res.end(`argument 'code' must be an integer or empty, got ${JSON.stringify(codeText)}\n`);
      res.writeHead(codeText === '' ? 302 : Number(codeText), { Location: location });
      return void res.end();
    }
    case '/shutdown':
      logf('GET /shutdown');
      process.exit(0);
      return;
    case '/shell':
    case '/upload':
      return httpError(res, 501, `${path} is not available in the Palisade lab (pods share the host's filesystem)`);
    default:
      logf('GET /');
      return void res.end(`NOW: ${new Date().toString()}`);
  }
}

export async function netexecMain(args: readonly string[]): Promise<void> {
  const values = flagsOrExit(args, SPECS);
  if (flagString(values, 'tls-cert-file') !== '') fatalf('netexec: TLS (--tls-cert-file) is not supported in the Palisade lab');
  const httpPort = flagNumber(values, 'http-port');
  const udpPort = flagNumber(values, 'udp-port');
  const override = flagString(values, 'http-override');
  try {
    if (udpPort !== -1) {
      const list = flagString(values, 'udp-listen-addresses');
      const addresses = list === '' ? [''] : [...new Set(list.split(','))].sort();
      for (const a of addresses) {
        if (a !== '' && net.isIP(a) === 0) fatalf(`parseAddress: invalid address ${a}`);
        await startUdpServer(a, udpPort);
      }
    }
  } catch (e) {
    fatalf(`Error occurred: failed to create listener for UDP address :${udpPort}:${(e as Error).message}`);
  }
  if (flagNumber(values, 'sctp-port') !== -1) logf(`SCTP server not started on port ${flagNumber(values, 'sctp-port')}: ${sctpSupport().reason}`);
  const server = http.createServer((req, res) => {
    const url = new URL(override !== '' ? override : (req.url ?? '/'), 'http://pod');
    route(url.pathname, url.searchParams, req, res).catch((e: unknown) => httpError(res, 500, (e as Error).message));
  });
  await new Promise<void>((resolve) => {
    server.once('error', (e) => fatalf(`listen tcp :${httpPort}: ${e.message}`));
    server.listen({ port: httpPort, host: '::', ipv6Only: false }, resolve);
  });
  logf(`Started HTTP server on port ${httpPort}`);
  signalReady();
  process.once('SIGTERM', () => process.exit(0));
}
