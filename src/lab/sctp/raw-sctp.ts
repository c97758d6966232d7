// The TypeScript side of raw-packet SCTP (sctp-raw.py): run the probe mode in the current
// network namespace for a batch of targets, and the argv of a pod's INIT responder.
// Callers already run inside the right namespace (the prober, agnhost connect).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConnectOutcome } from '../agnhost/connect.ts';

export const SCTP_RAW_SCRIPT = fileURLToPath(new URL('./sctp-raw.py', import.meta.url));

export interface RawSctpTarget {
  readonly key: string;
  /** An IP literal (v4 or v6). */
  readonly ip: string;
  readonly port: number;
}

/** argv (command first) of the responder that answers INITs to `ports` in a pod. */
export function sctpResponderArgv(ports: readonly number[]): [string, string[]] {
  return ['python3', [SCTP_RAW_SCRIPT, 'respond', ...ports.map(String)]];
}

/** One INIT per target, all at once; connected = INIT-ACK, REFUSED = ABORT/ICMP, else TIMEOUT. Never throws. */
export function rawSctpProbe(targets: readonly RawSctpTarget[], timeoutMs: number): Promise<Record<string, ConnectOutcome>> {
  const failAll = (message: string): Record<string, ConnectOutcome> =>
    Object.fromEntries(targets.map((t) => [t.key, { status: 'OTHER', message: `OTHER: ${message}` }]));
  if (targets.length === 0) return Promise.resolve({});
  return new Promise((done) => {
    const child = spawn('python3', [SCTP_RAW_SCRIPT, 'probe'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString('utf8'); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString('utf8'); });
    child.on('error', (e) => done(failAll(`raw sctp probe: ${e.message}`)));
    child.on('close', (code) => {
      try {
        const reply = JSON.parse(out) as { results: Record<string, ConnectOutcome> };
        done(Object.fromEntries(targets.map((t) => [t.key, reply.results[t.key] ?? { status: 'UNKNOWN', message: 'UNKNOWN: no result' }])));
      } catch {
        done(failAll(`raw sctp probe failed (exit ${code}): ${err.trim() || out.trim()}`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ timeoutMs, targets }));
  });
}
