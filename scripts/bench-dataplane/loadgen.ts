// The load generator, run inside a client pod's network namespace by the rate part:
// opens new connections to one server for a fixed time with bounded concurrency and
// prints one JSON line {completed, failed, seconds, warmupCompleted}. The first WARMUP_S
// seconds of a run are not counted: the sockets' code paths and the server's TIME_WAIT
// population reach their steady state there. Every TCP connection and every UDP request is
// a NEW flow (fresh socket, fresh source port), so each one goes through the node's policy
// decision and not only the conntrack fast path.
//
//   node loadgen.ts tcp|udp IP PORT SECONDS CONCURRENCY    one run, then exit
//   node loadgen.ts serve                                  one run per stdin line
//
// `serve` keeps one process for many runs: each stdin line is a JSON {protocol, ip, port,
// seconds, concurrency} and gets its result line. A fresh process per run starts with
// cold JIT code and a new heap; its user time per connection swung 5-15% between two
// identical simultaneous runs, more than the few percent the rate part judges. A warmed
// process runs the same compiled code every time.
//
// TCP: connect, wait for the server to answer and close (serve-ports writes the hostname
// and closes, so TIME_WAIT stays on the server side), count. UDP: a fresh socket sends
// one datagram and waits for the reply (timeout 1 s), count.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

export interface LoadRun {
  readonly protocol: 'tcp' | 'udp';
  readonly ip: string;
  readonly port: number;
  readonly seconds: number;
  readonly concurrency: number;
}

export interface LoadRunResult {
  readonly completed: number;
  readonly failed: number;
  readonly seconds: number;
  /** Connections completed in the uncounted warm-up. */
  readonly warmupCompleted: number;
  readonly firstError?: string;
}

const TIMEOUT_MS = 1000;
const WARMUP_S = 0.5;

/** The problems of a run request, by field; empty when it is valid. */
export function loadRunProblems(r: Partial<Record<keyof LoadRun, unknown>>): string[] {
  const problems: string[] = [];
  if (r.protocol !== 'tcp' && r.protocol !== 'udp') problems.push('protocol: must be tcp or udp');
  if (typeof r.ip !== 'string' || r.ip === '') problems.push('ip: must be an address');
  if (!(typeof r.port === 'number' && Number.isInteger(r.port) && r.port > 0 && r.port < 65536)) problems.push('port: must be 1-65535');
  if (!(typeof r.seconds === 'number' && r.seconds > 0)) problems.push('seconds: must be > 0');
  if (!(typeof r.concurrency === 'number' && Number.isInteger(r.concurrency) && r.concurrency > 0)) problems.push('concurrency: must be a positive integer');
  return problems;
}

export async function loadRun(run: LoadRun): Promise<LoadRunResult> {
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  let started = performance.now();
  let deadline = started + (WARMUP_S + run.seconds) * 1000;
  let warmupCompleted = 0;
  const warm = setTimeout(() => {
    warmupCompleted = completed;
    completed = 0;
    failed = 0;
    firstError = undefined;
    started = performance.now();
    // Counted from when the warm-up really ended: a late timer must not shorten the window.
    deadline = started + run.seconds * 1000;
  }, WARMUP_S * 1000);

  const count = (ok: boolean, why?: string): void => {
    if (ok) completed++;
    else {
      failed++;
      firstError ??= why;
    }
  };

  const tcpOnce = (): Promise<void> => new Promise((resolve) => {
    let settled = false;
    const sock = connect({ host: run.ip, port: run.port });
    const finish = (ok: boolean, why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      count(ok, why);
      sock.destroy();
      resolve();
    };
    const timer = setTimeout(() => finish(false, 'timeout'), TIMEOUT_MS);
    sock.on('data', () => undefined);
    sock.on('end', () => finish(true));
    sock.on('error', (e) => finish(false, e.message));
  });

  const udpOnce = (): Promise<void> => new Promise((resolve) => {
    let settled = false;
    const sock = createSocket('udp4');
    const finish = (ok: boolean, why?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      count(ok, why);
      sock.close();
      resolve();
    };
    const timer = setTimeout(() => finish(false, 'timeout'), TIMEOUT_MS);
    sock.on('message', () => finish(true));
    sock.on('error', (e) => finish(false, e.message));
    sock.send('x', run.port, run.ip);
  });

  const once = run.protocol === 'tcp' ? tcpOnce : udpOnce;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  clearTimeout(warm);
  const seconds = (performance.now() - started) / 1000;
  // warmupCompleted: for callers that measure the whole run (perf attribution, CPU per connection).
  return { completed, failed, seconds, warmupCompleted, ...(firstError === undefined ? {} : { firstError }) };
}

/** Runs one request per input line, in order; a bad line gets {error} and the process goes on. */
async function serve(): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    let request: Partial<Record<keyof LoadRun, unknown>>;
    try {
      request = JSON.parse(line) as Partial<Record<keyof LoadRun, unknown>>;
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ error: `not JSON: ${(e as Error).message}` })}\n`);
      continue;
    }
    const problems = loadRunProblems(request);
    if (problems.length > 0) {
      process.stdout.write(`${JSON.stringify({ error: problems.join('; ') })}\n`);
      continue;
    }
    process.stdout.write(`${JSON.stringify(await loadRun(request as LoadRun))}\n`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'serve' && argv.length === 1) {
    await serve();
    return;
  }
  const [protocol, ip, port, seconds, concurrency] = argv;
  const request = { protocol, ip, port: Number(port), seconds: Number(seconds), concurrency: Number(concurrency) };
  const problems = argv.length === 5 ? loadRunProblems(request) : ['expected 5 arguments'];
  if (problems.length > 0) {
    process.stderr.write(`usage: loadgen.ts tcp|udp IP PORT SECONDS CONCURRENCY | loadgen.ts serve\n${problems.join('\n')}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await loadRun(request as LoadRun))}\n`);
}

if (import.meta.main) await main(process.argv.slice(2));
