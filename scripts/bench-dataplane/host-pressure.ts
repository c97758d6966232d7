// What the machine did to a slow step: the kernel's pressure stall information (PSI,
// /proc/pressure: time some task waited for CPU, I/O or memory), the hypervisor's steal
// time (/proc/stat) and the dirty page cache (/proc/meminfo), sampled around the step.
// A step that stalls with I/O pressure and no CPU of its own is the disk; with steal, the
// VM was not running; with neither, the stall is the bench's own (GC, computation).
import { readFileSync } from 'node:fs';

export interface PressureSample {
  /** Cumulative µs some task stalled on each resource; undefined without PSI. */
  readonly cpuSomeUs?: number;
  readonly ioSomeUs?: number;
  readonly memSomeUs?: number;
  /** Cumulative steal time of all CPUs, in USER_HZ ticks (10 ms). */
  readonly stealTicks: number;
  readonly dirtyKb: number;
  readonly writebackKb: number;
}

/** Stall inside an interval: milliseconds; cpu/io/mem undefined when the kernel has no PSI. */
export interface PressureDelta {
  readonly cpuMs?: number;
  readonly ioMs?: number;
  readonly memMs?: number;
  /** Steal summed over CPUs. */
  readonly stealMs: number;
  /** Page cache state at the start of the interval. */
  readonly dirtyKb: number;
  readonly writebackKb: number;
}

/** The `some ... total=N` figure of a /proc/pressure file. */
export function psiSomeTotal(text: string): number | undefined {
  const m = /^some .*\btotal=(\d+)/m.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The steal column (8th value) of /proc/stat's aggregate cpu line. */
export function stealTicks(stat: string): number {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  const v = line?.trim().split(/\s+/)[8];
  return v === undefined ? 0 : Number(v);
}

export function meminfoKb(meminfo: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(meminfo);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function psi(resource: string): number | undefined {
  const text = readOr(`/proc/pressure/${resource}`);
  return text === undefined ? undefined : psiSomeTotal(text);
}

export function samplePressure(): PressureSample {
  const meminfo = readOr('/proc/meminfo') ?? '';
  const cpu = psi('cpu');
  const io = psi('io');
  const mem = psi('memory');
  return {
    ...(cpu === undefined ? {} : { cpuSomeUs: cpu }),
    ...(io === undefined ? {} : { ioSomeUs: io }),
    ...(mem === undefined ? {} : { memSomeUs: mem }),
    stealTicks: stealTicks(readOr('/proc/stat') ?? ''),
    dirtyKb: meminfoKb(meminfo, 'Dirty'),
    writebackKb: meminfoKb(meminfo, 'Writeback'),
  };
}

export function pressureDelta(a: PressureSample, b: PressureSample): PressureDelta {
  const ms = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined ? undefined : (y - x) / 1000);
  const cpuMs = ms(a.cpuSomeUs, b.cpuSomeUs);
  const ioMs = ms(a.ioSomeUs, b.ioSomeUs);
  const memMs = ms(a.memSomeUs, b.memSomeUs);
  return {
    ...(cpuMs === undefined ? {} : { cpuMs }),
    ...(ioMs === undefined ? {} : { ioMs }),
    ...(memMs === undefined ? {} : { memMs }),
    stealMs: (b.stealTicks - a.stealTicks) * 10,
    dirtyKb: a.dirtyKb,
    writebackKb: a.writebackKb,
  };
}

/** "io stall 612 ms, cpu 3 ms, steal 0 ms, 41 MB dirty": for a slow step's line. */
export function formatPressure(d: PressureDelta): string {
  const parts: string[] = [];
  if (d.ioMs !== undefined) parts.push(`io stall ${d.ioMs.toFixed(0)} ms`);
  if (d.cpuMs !== undefined) parts.push(`cpu stall ${d.cpuMs.toFixed(0)} ms`);
  if (d.memMs !== undefined && d.memMs >= 1) parts.push(`memory stall ${d.memMs.toFixed(0)} ms`);
  parts.push(`steal ${d.stealMs} ms`);
  parts.push(`${(d.dirtyKb / 1024).toFixed(1)} MB dirty, ${(d.writebackKb / 1024).toFixed(1)} MB under writeback`);
  return parts.join(', ');
}
