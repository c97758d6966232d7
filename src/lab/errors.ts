// Typed errors of the lab, each with a stable `code` so callers (CLI, tests) can react to
// the kind of failure without parsing messages.

export type LabErrorCode =
  | 'unsupported'       // not Linux, not root, `ip` missing
  | 'command-failed'    // an external command (ip, nft, sysctl) failed
  | 'invalid-argument'  // bad options: CIDR, IP, port, pod key
  | 'not-found'         // no such pod / lab state
  | 'conflict'          // pod exists already, IP already taken
  | 'sctp-unsupported'  // SCTP asked for where the kernel or Node cannot do it
  | 'process-failed';   // a pod process died or never got ready

export class LabError extends Error {
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}

/** An external command exited non-zero (or could not start); carries its stderr. */
export class CommandError extends LabError {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(command: string, args: readonly string[], exitCode: number | null, stderr: string, cause?: unknown) {
    const shown = [command, ...args].join(' ');
    const why = exitCode === null ? 'could not run' : `exited ${exitCode}`;
    super('command-failed', `${shown}: ${why}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`, { cause });
    this.name = 'CommandError';
    this.command = command;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
