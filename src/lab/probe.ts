// The connectivity truth table by REAL traffic: for each (source, destination) pod pair,
// one agnhost-style connect from the source pod's namespace to the destination pod's IP.
// One prober process per source pod tries all its destinations concurrently; at most
// `concurrency` prober processes run at once. SCTP, where no SCTP sockets exist, is one
// raw INIT per cell (src/lab/sctp/): the result carries a `note` saying so.
import { fileURLToPath } from 'node:url';
import type { Protocol } from '../model/protocol.ts';
import type { ConnectOutcome, ConnectStatus } from './agnhost/connect.ts';
import { joinHostPort } from './agnhost/connect.ts';
import { LabError } from './errors.ts';
import { runRaw } from './exec.ts';
import { mapLimit } from './limit.ts';
import { netnsExecArgv } from './netns.ts';
import type { ProberReply, ProberRequest } from './prober.ts';
import { requireSctp, sctpSupport } from './sctp.ts';
import type { Lab } from './topology.ts';

const PROBER_PATH = fileURLToPath(new URL('./prober.ts', import.meta.url));

export interface ProbeOptions {
  /** Source pod keys; default all pods of the lab. */
  readonly from?: readonly string[];
  /** Destination pod keys; default all pods of the lab. */
  readonly to?: readonly string[];
  readonly port: number;
  readonly protocol: Protocol;
  /** Per connection attempt; default 1000 ms. */
  readonly timeoutMs?: number;
  /** Prober processes (source pods) at once; default 4. */
  readonly concurrency?: number;
  /** Connection attempts at once inside one prober; default 64. */
  readonly perSourceConcurrency?: number;
  /** Address family of the destination IP; default 4. */
  readonly family?: 4 | 6;
}

export interface ProbeResult {
  readonly port: number;
  readonly protocol: Protocol;
  readonly family: 4 | 6;
  /** Every pod in the table (sources, then destinations not among them). */
  readonly pods: readonly string[];
  /** allowed[src][dst]: the connection succeeded. */
  readonly allowed: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
  /** outcome[src][dst]: `connected`, `TIMEOUT` (dropped), `REFUSED`, … as agnhost reports. */
  readonly outcome: Readonly<Record<string, Readonly<Record<string, ConnectStatus>>>>;
  /** agnhost's stderr line for every failed cell, `src -> dst: line`. */
  readonly messages: readonly string[];
  readonly durationMs: number;
  /** How the traffic was made when not with ordinary sockets (SCTP by raw packets). */
  readonly note?: string;
}

function protocolArg(p: Protocol): ProberRequest['protocol'] {
  return p === 'TCP' ? 'tcp' : p === 'UDP' ? 'udp' : 'sctp';
}

export async function probe(lab: Lab, o: ProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new LabError('invalid-argument', `port ${o.port}: want 1..65535`);
  if (o.protocol === 'SCTP') requireSctp('probe --protocol SCTP');
  const family = o.family ?? 4;
  const from = (o.from ?? lab.pods.map((p) => p.key)).map((k) => lab.pod(k));
  const to = (o.to ?? lab.pods.map((p) => p.key)).map((k) => lab.pod(k));
  const timeoutMs = o.timeoutMs ?? 1000;
  const perSource = o.perSourceConcurrency ?? 64;
  const allowed: Record<string, Record<string, boolean>> = {};
  const outcome: Record<string, Record<string, ConnectStatus>> = {};
  const messages: string[] = [];

  await mapLimit(from, o.concurrency ?? 4, async (src) => {
    const targets: { key: string; dest: string }[] = [];
    const row: Record<string, ConnectOutcome> = {};
    for (const dst of to) {
      const ip = family === 4 ? dst.ipv4 : dst.ipv6;
      if (ip === undefined) row[dst.key] = { status: 'OTHER', message: `OTHER: ${dst.key} has no IPv${family} address` };
      else targets.push({ key: dst.key, dest: joinHostPort(ip, o.port) });
    }
    if (targets.length > 0) {
      const req: ProberRequest = { protocol: protocolArg(o.protocol), timeoutMs, concurrency: perSource, targets };
      const rounds = Math.ceil(targets.length / Math.max(1, perSource));
      const r = await runRaw('ip', netnsExecArgv(src.netns, process.execPath, [PROBER_PATH]), {
        input: JSON.stringify(req), timeoutMs: rounds * timeoutMs + 15_000,
      });
      let reply: ProberReply;
      try {
        reply = JSON.parse(r.stdout) as ProberReply;
      } catch {
        throw new LabError('process-failed', `prober in ${src.key} (${src.netns}) failed (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
      }
      Object.assign(row, reply.results);
    }
    allowed[src.key] = {};
    outcome[src.key] = {};
    for (const dst of to) {
      const res = row[dst.key] ?? { status: 'UNKNOWN', message: 'UNKNOWN: no result' };
      (allowed[src.key] as Record<string, boolean>)[dst.key] = res.status === 'connected';
      (outcome[src.key] as Record<string, ConnectStatus>)[dst.key] = res.status;
      if (res.status !== 'connected') messages.push(`${src.key} -> ${dst.key}: ${res.message}`);
    }
  });
  const pods = [...new Set([...from.map((p) => p.key), ...to.map((p) => p.key)])];
  const sctp = o.protocol === 'SCTP' ? sctpSupport() : undefined;
  return {
    port: o.port, protocol: o.protocol, family, pods, allowed, outcome, messages: messages.sort(), durationMs: Date.now() - started,
    ...(sctp?.raw === true && !sctp.sockets ? { note: sctp.reason } : {}),
  };
}
