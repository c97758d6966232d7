// What agnhost subcommands need from their surroundings: the pod's hostname (agnhost reads
// os.Hostname(); lab pods share the host's UTS namespace, so the lab passes the pod name
// in PALISADE_HOSTNAME), Go-style log lines, cobra's exit on bad flags, and the readiness
// signal the lab waits for.
import { closeSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { FlagSpec, FlagValues } from './flags.ts';
import { FlagError, parseFlags } from './flags.ts';

export function podHostname(): string {
  const h = process.env['PALISADE_HOSTNAME'];
  return h !== undefined && h !== '' ? h : hostname();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Go's log.Printf format: `2006/01/02 15:04:05 message`, to stderr. */
export function logf(message: string): void {
  const d = new Date();
  const stamp = `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  process.stderr.write(`${stamp} ${message}\n`);
}

/** Go's log.Fatalf: log, then exit 1. */
export function fatalf(message: string): never {
  logf(message);
  process.exit(1);
}

/** The flags' values; on a bad flag, cobra's `Error: message` on stderr and exit 1. */
export function flagsOrExit(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>): FlagValues {
  try {
    return parseFlags(args, specs).values;
  } catch (e) {
    if (e instanceof FlagError) { process.stderr.write(`Error: ${e.message}\n`); process.exit(1); }
    throw e;
  }
}

/** Tells the lab (fd PALISADE_READY_FD) that every listener is bound; no-op outside the lab. */
export function signalReady(): void {
  const fd = Number(process.env['PALISADE_READY_FD']);
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, 'ready\n');
    closeSync(fd);
  } catch { /* the lab stopped waiting */ }
  delete process.env['PALISADE_READY_FD'];
}
