// Whether and how the lab carries SCTP. Node.js has no SCTP sockets (and no raw sockets),
// so SCTP goes through python3's raw sockets (src/lab/sctp/sctp-raw.py): a probe sends a
// real INIT and counts an INIT-ACK as connected, and pods declaring SCTP ports get a
// responder that answers INITs. Where python3 is missing, every SCTP request is answered
// with a clear "sctp unsupported" and the reason, never a silent pass or fail.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LabError } from './errors.ts';

export interface SctpSupport {
  /** The kernel has the SCTP protocol loaded (/proc/net/sctp or /proc/sys/net/sctp). */
  readonly kernel: boolean;
  /** The lab can open SCTP sockets (always false: Node.js has no SCTP API). */
  readonly sockets: boolean;
  /**
   * The lab sends and answers SCTP INITs by raw packets: python3 is on PATH and the kernel
   * has no SCTP stack (one would answer every INIT itself, racing the lab's responder).
   */
  readonly raw: boolean;
  /** Why SCTP is unsupported, or how it is probed when `raw`. */
  readonly reason: string;
}

/** What every SCTP result of the lab says about its method. */
export const SCTP_RAW_NOTE = 'SCTP probed by raw INIT delivery (no SCTP sockets in this kernel): connected = the INIT-ACK came back';

let python: boolean | undefined;

/** python3 runs here (checked once per process). */
export function hasPython3(): boolean {
  python ??= spawnSync('python3', ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return python;
}

export function sctpSupport(): SctpSupport {
  const kernel = existsSync('/proc/net/sctp') || existsSync('/proc/sys/net/sctp');
  const raw = !kernel && hasPython3();
  const reason = raw ? SCTP_RAW_NOTE : kernel
    ? 'sctp unsupported: the kernel has SCTP but Node.js has no SCTP sockets'
    : 'sctp unsupported: this kernel has no SCTP (no /proc/net/sctp) and python3 (for raw SCTP packets) is missing';
  return { kernel, sockets: false, raw, reason };
}

/** Throws LabError('sctp-unsupported') when the lab can neither open SCTP sockets nor send raw SCTP. */
export function requireSctp(what: string): void {
  const s = sctpSupport();
  if (!s.sockets && !s.raw) throw new LabError('sctp-unsupported', `${what}: ${s.reason}`);
}
