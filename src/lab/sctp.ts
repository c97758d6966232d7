// Whether the lab can carry SCTP. Node.js has no SCTP sockets at all, so pods can serve
// and probe SCTP only where some other path exists; until then every SCTP request is
// answered with a clear "sctp unsupported" and the reason, never a silent pass or fail.
import { existsSync } from 'node:fs';
import { LabError } from './errors.ts';

export interface SctpSupport {
  /** The kernel has the SCTP protocol loaded (/proc/net/sctp or /proc/sys/net/sctp). */
  readonly kernel: boolean;
  /** The lab can open SCTP sockets (always false: Node.js has no SCTP API). */
  readonly sockets: boolean;
  readonly reason: string;
}

export function sctpSupport(): SctpSupport {
  const kernel = existsSync('/proc/net/sctp') || existsSync('/proc/sys/net/sctp');
  const reason = kernel
    ? 'sctp unsupported: the kernel has SCTP but Node.js has no SCTP sockets'
    : 'sctp unsupported: this kernel has no SCTP (no /proc/net/sctp)';
  return { kernel, sockets: false, reason };
}

/** Throws LabError('sctp-unsupported') when SCTP sockets are not available. */
export function requireSctp(what: string): void {
  const s = sctpSupport();
  if (!s.sockets) throw new LabError('sctp-unsupported', `${what}: ${s.reason}`);
}
