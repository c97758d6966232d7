// The load generator, run inside a client pod's network namespace by the rate part:
// opens new connections to one server for a fixed time with bounded concurrency and
// prints one JSON line {completed, failed, seconds}. The first WARMUP_S seconds are not
// counted: V8 compiles the loop and the sockets' code paths warm up there. Every TCP connection and every UDP
// request is a NEW flow (fresh socket, fresh source port), so each one goes through the
// node's policy decision and not only the conntrack fast path.
//
//   node loadgen.ts tcp|udp IP PORT SECONDS CONCURRENCY
//
// TCP: connect, wait for the server to answer and close (serve-ports writes the hostname
// and closes, so TIME_WAIT stays on the server side), count. UDP: a fresh socket sends
// one datagram and waits for the reply (timeout 1 s), count.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

const [proto, ip, portText, secondsText, concurrencyText] = process.argv.slice(2);
const port = Number(portText);
const seconds = Number(secondsText);
const concurrency = Number(concurrencyText);
if ((proto !== 'tcp' && proto !== 'udp') || ip === undefined || !(port > 0) || !(seconds > 0) || !(concurrency > 0)) {
  process.stderr.write('usage: loadgen.ts tcp|udp IP PORT SECONDS CONCURRENCY\n');
  process.exit(2);
}

const TIMEOUT_MS = 1000;
const WARMUP_S = 0.5;
let completed = 0;
let failed = 0;
let firstError: string | undefined;
let started = performance.now();
const deadline = started + (WARMUP_S + seconds) * 1000;
let warmupCompleted = 0;
setTimeout(() => {
  warmupCompleted = completed;
  completed = 0;
  failed = 0;
  firstError = undefined;
  started = performance.now();
}, WARMUP_S * 1000);

function tcpOnce(): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const sock = connect({ host: ip as string, port });
    const finish = (ok: boolean, why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) completed++;
      else {
        failed++;
        firstError ??= why;
      }
      sock.destroy();
      resolve();
    };
    const timer = setTimeout(() => finish(false, 'timeout'), TIMEOUT_MS);
    sock.on('data', () => undefined);
    sock.on('end', () => finish(true));
    sock.on('error', (e) => finish(false, e.message));
  });
}

function udpOnce(): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const sock = createSocket('udp4');
    const finish = (ok: boolean, why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) completed++;
      else {
        failed++;
        firstError ??= why;
      }
      sock.close();
      resolve();
    };
    const timer = setTimeout(() => finish(false, 'timeout'), TIMEOUT_MS);
    sock.on('message', () => finish(true));
    sock.on('error', (e) => finish(false, e.message));
    sock.send('x', port, ip as string);
  });
}

async function worker(): Promise<void> {
  const once = proto === 'tcp' ? tcpOnce : udpOnce;
  while (performance.now() < deadline) await once();
}

await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
// warmupCompleted: for callers that measure the whole run (perf attribution).
process.stdout.write(`${JSON.stringify({ completed, failed, seconds: elapsed, warmupCompleted, ...(firstError === undefined ? {} : { firstError }) })}\n`);
