// Per-CPU time from /proc/stat, split the way the simultaneous rate runs need it: each
// node pair runs on its own CPU, so the CPU's user, system and softirq time during a run,
// divided by the pair's connections, is what one connection cost there — the table's work
// shows in softirq (forwarding runs there), the load generator's and server's in user and
// system. It tells a table's cost from the Node programs' own swings.
import { readFileSync } from 'node:fs';

/** Ticks per field of one CPU line: user nice system idle iowait irq softirq steal. */
export type CpuTicks = readonly number[];

/** The `cpuN` lines of /proc/stat text, by CPU number. */
export function parseProcStat(text: string): Map<number, CpuTicks> {
  const out = new Map<number, CpuTicks>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line.trim());
    if (m === null) continue;
    out.set(Number(m[1]), (m[2] ?? '').split(/\s+/).map(Number));
  }
  return out;
}

export function readCpuTicks(): Map<number, CpuTicks> {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Microseconds of one CPU per connection between two readings, by kind; steal and idle as they are (their share says how clean the run was). */
export interface CpuPerConnection {
  readonly user: number;
  readonly system: number;
  readonly softirq: number;
  /** user + system + irq + softirq. */
  readonly busy: number;
  readonly idleShare: number;
  readonly stealShare: number;
}

/** `hz`: ticks per second (USER_HZ, 100 on Linux). */
export function perConnectionOf(before: CpuTicks, after: CpuTicks, connections: number, hz = 100): CpuPerConnection {
  const d = after.map((v, i) => v - (before[i] ?? 0));
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = d;
  const total = d.reduce((a, b) => a + b, 0);
  const us = (ticks: number): number => (connections > 0 ? (ticks / hz / connections) * 1e6 : Number.NaN);
  return {
    user: us(user + nice), system: us(system), softirq: us(softirq), busy: us(user + nice + system + irq + softirq),
    idleShare: total > 0 ? (idle + iowait) / total : Number.NaN, stealShare: total > 0 ? steal / total : Number.NaN,
  };
}
