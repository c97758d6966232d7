// Entry point run inside ONE source pod's namespace by probe(): reads a ProberRequest
// (JSON) on stdin, tries every destination with agnhost-connect semantics, a bounded
// number at once, and prints a ProberReply (JSON) on stdout. One process per source pod
// instead of one per cell keeps a large matrix cheap.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { attemptConnect, splitHostPort, type ConnectOutcome, type ConnectProtocol } from './agnhost/connect.ts';
import { mapLimit } from './limit.ts';
import { sctpSupport } from './sctp.ts';
import { rawSctpProbe, type RawSctpTarget } from './sctp/raw-sctp.ts';

export interface ProberRequest {
  readonly protocol: ConnectProtocol;
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** `dest` as agnhost connect takes it: `ip:port` / `[ip6]:port`. */
  readonly targets: readonly { readonly key: string; readonly dest: string }[];
}

export interface ProberReply {
  readonly results: Readonly<Record<string, ConnectOutcome>>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** SCTP without sockets: all INITs in one raw-packet process (targets are IP literals). */
async function runRawSctp(req: ProberRequest): Promise<ProberReply> {
  const results: Record<string, ConnectOutcome> = {};
  const raw: RawSctpTarget[] = [];
  for (const t of req.targets) {
    const hp = splitHostPort(t.dest);
    if (typeof hp === 'string') results[t.key] = { status: 'DNS', message: `DNS: ${hp}` };
    else raw.push({ key: t.key, ip: hp.host, port: hp.port });
  }
  Object.assign(results, await rawSctpProbe(raw, req.timeoutMs));
  return { results };
}

export async function runProber(req: ProberRequest): Promise<ProberReply> {
  if (req.protocol === 'sctp' && sctpSupport().raw) return runRawSctp(req);
  const outcomes = await mapLimit(req.targets, req.concurrency, (t) =>
    attemptConnect({ dest: t.dest, protocol: req.protocol, timeoutMs: req.timeoutMs }));
  const results: Record<string, ConnectOutcome> = {};
  req.targets.forEach((t, i) => { results[t.key] = outcomes[i] ?? { status: 'UNKNOWN', message: 'UNKNOWN: no result' }; });
  return { results };
}

function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try { return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url)); } catch { return false; }
}

if (isEntryPoint()) {
  const req = JSON.parse(await readStdin()) as ProberRequest;
  process.stdout.write(`${JSON.stringify(await runProber(req))}\n`);
}
