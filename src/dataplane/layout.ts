// layout: how a Ruleset becomes the elements of the node's table. The identity of the
// remote address goes into the low 20 bits of the conntrack mark (region map, then the
// exact address map), the destination port's class into the high 12 bits (one interval
// set per protocol and bit), and the decision maps are keyed EXACTLY by the local pod's
// address and that mark: a hash lookup whose cost does not grow with the elements.
//
// Port classes: per protocol, the segments between every port boundary a cell mentions
// (0 stays for protocols without ports). Classes are numbered DENSELY (1, 2, 3, ... in
// (protocol, port) order), so a cluster's few dozen classes are small numbers: one
// interval verdict map per protocol sends a port straight to the fixed chain of its class
// (`port_class_N`, one rule ORing N into the mark) for the first DIRECT_CLASSES - 1
// classes — one lookup per check; ports of larger classes go to the per-bit rules
// instead (their bit sets hold only those ports, so they are empty in most clusters). A
// planner keeps numbers stable from one plan to the next by handing the previous plan's
// classes as the hint of assignPortClasses: a segment that survives keeps its number, a
// new one takes the lowest free number, so a new port boundary changes the elements of
// that boundary only, never every cell.
import { formatIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Decision, DecisionRow, DirectionTable, PortClasses, PortSegment, Ruleset } from './ruleset.ts';

export type { PortClasses, PortSegment } from './ruleset.ts';

export const IDENTITY_BITS = 20;
export const CLASS_BITS = 12;
/** Classes 1..DIRECT_CLASSES-1 each have a fixed chain the class maps jump to; larger ones use the per-bit rules. */
export const DIRECT_CLASSES = 32;
/** Identities are 1..IDENTITY_LIMIT-1; port classes 1..CLASS_LIMIT-1 (0: no port). */
export const IDENTITY_LIMIT = 2 ** IDENTITY_BITS;
export const CLASS_LIMIT = 2 ** CLASS_BITS;
const PORT_END = 65536;

export type Direction = 'egress' | 'ingress';
export const DIRECTIONS: readonly Direction[] = ['egress', 'ingress'];
export const FAMILIES: readonly IpFamily[] = [4, 6];

/** The fixed split of the conntrack mark cannot hold the table: too many identities or port classes. */
export class LayoutLimitError extends Error {
  readonly limit: 'identities' | 'port classes';
  /** The identity number, or the number of port classes, that does not fit. */
  readonly value: number;
  /** The largest value that fits. */
  readonly max: number;

  constructor(limit: 'identities' | 'port classes', value: number, max: number) {
    super(limit === 'identities'
      ? `identity ${value} does not fit the ${IDENTITY_BITS} identity bits of the conntrack mark (at most ${max})`
      : `${value} port classes do not fit the ${CLASS_BITS} port-class bits of the conntrack mark (at most ${max})`);
    this.name = 'LayoutLimitError';
    this.limit = limit;
    this.value = value;
    this.max = max;
  }
}

// ---- names ----

export function verdictText(d: Decision): string {
  return d.kind === 'allow' ? 'return' : `goto ${dropChainName(d.target)}`;
}

export function dropChainName(index: number): string {
  return `drop_${index}`;
}

export function portBitSet(protocol: Protocol, bit: number): string {
  return `${protocol.toLowerCase()}_port_bit${bit}`;
}

/** The interval verdict map from a destination port to its class's chain. */
export function portClassMap(protocol: Protocol): string {
  return `${protocol.toLowerCase()}_port_class`;
}

/** The fixed chain that ORs class `cls` (1..DIRECT_CLASSES-1) into the mark. */
export function classChainName(cls: number): string {
  return `port_class_${cls}`;
}

/** The chain of a protocol's per-bit rules, for ports whose class has no chain of its own. */
export function portBitsChainName(protocol: Protocol): string {
  return `${protocol.toLowerCase()}_port_bits`;
}

/** Local addresses whose decisions in `dir` are not "allow everything": only they are checked. */
export const checkedSet = (dir: Direction, family: IpFamily): string => `${dir}_local${family}`;

export const cellsSet = (dir: Direction, family: IpFamily): string => `${dir}_cells${family}`;
export const defaultSet = (dir: Direction, family: IpFamily): string => `${dir}_default${family}`;
export const nonPortDefaultSet = (dir: Direction, family: IpFamily): string => `${dir}_nonport_default${family}`;

const addrType = (f: IpFamily): string => (f === 4 ? 'ipv4_addr' : 'ipv6_addr');

/** Declarations of the sets and maps, in render order. */
export const SETS: ReadonlyArray<{ readonly name: string; readonly decl: string }> = [
  ...FAMILIES.map((f) => ({ name: `addr${f}`, decl: `type ${addrType(f)} : mark` })),
  ...FAMILIES.map((f) => ({ name: `region${f}`, decl: `type ${addrType(f)} : mark; flags interval` })),
  ...DIRECTIONS.flatMap((d) => FAMILIES.map((f) => ({ name: checkedSet(d, f), decl: `type ${addrType(f)}` }))),
  ...PROTOCOLS.flatMap((p) => [
    ...Array.from({ length: CLASS_BITS }, (_, b) => ({ name: portBitSet(p, b), decl: 'type inet_service; flags interval' })),
    { name: portClassMap(p), decl: 'type inet_service : verdict; flags interval' },
  ]),
  ...DIRECTIONS.flatMap((d) => FAMILIES.flatMap((f) => [
    { name: cellsSet(d, f), decl: `type ${addrType(f)} . mark : verdict` },
    { name: defaultSet(d, f), decl: `type ${addrType(f)} : verdict` },
    { name: nonPortDefaultSet(d, f), decl: `type ${addrType(f)} : verdict` },
  ])),
];

// ---- marks ----

/** An identity as the mark value the address maps give; throws LayoutLimitError when it does not fit. */
export function identityMark(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id >= IDENTITY_LIMIT) throw new LayoutLimitError('identities', id, IDENTITY_LIMIT - 1);
  return id;
}

/** The conntrack mark a packet carries for a remote identity and a port class (0: no port). */
export function markOf(remote: number, cls: number): number {
  return cls * IDENTITY_LIMIT + identityMark(remote);
}

export function markText(mark: number): string {
  return `0x${mark.toString(16).padStart(8, '0')}`;
}

/** The bit a port-bit rule ORs into the mark. */
export function classBitMark(bit: number): number {
  return 2 ** (IDENTITY_BITS + bit);
}

// ---- port classes ----

const PROTOCOL_INDEX: Readonly<Record<Protocol, number>> = { TCP: 0, UDP: 1, SCTP: 2 };

/**
 * The first port of every segment, per protocol index, ascending. Large tables mark a
 * bitmap of the port space (one pass over the cells, no sort); small ones (the packet
 * walk's) sort a short list instead of scanning 3 × 65536 ports.
 */
function segmentStarts(r: Pick<Ruleset, 'egress' | 'ingress'>): number[][] {
  let cells = 0;
  for (const dir of DIRECTIONS) for (const row of r[dir].rows) cells += row.cells.length;
  const out: number[][] = PROTOCOLS.map(() => [0]);
  if (cells > 1024) {
    const seen = new Uint8Array(PROTOCOLS.length * PORT_END);
    for (const dir of DIRECTIONS) {
      for (const row of r[dir].rows) {
        for (const c of row.cells) {
          const base = PROTOCOL_INDEX[c.protocol] * PORT_END;
          seen[base + c.fromPort] = 1;
          if (c.toPort + 1 < PORT_END) seen[base + c.toPort + 1] = 1;
        }
      }
    }
    // Four ports at a time: most of the port space has no boundary.
    const words = new Uint32Array(seen.buffer);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let k = w * 4; k < w * 4 + 4; k++) {
        if (seen[k] !== 1) continue;
        const port = k % PORT_END;
        if (port !== 0) out[Math.floor(k / PORT_END)]?.push(port);
      }
    }
    return out;
  }
  for (const dir of DIRECTIONS) {
    for (const row of r[dir].rows) {
      for (const c of row.cells) {
        const s = out[PROTOCOL_INDEX[c.protocol]] ?? [];
        s.push(c.fromPort);
        if (c.toPort + 1 < PORT_END) s.push(c.toPort + 1);
      }
    }
  }
  return out.map((s) => {
    const sorted = Int32Array.from(s).sort();
    const u: number[] = [];
    for (const v of sorted) if (u.length === 0 || u[u.length - 1] !== v) u.push(v);
    return u;
  });
}

/** The port classes of a ruleset: the planner's numbering when it gave one, else assignPortClasses(r). */
export function portClasses(r: Ruleset): PortClasses {
  return r.classes ?? assignPortClasses(r);
}

/**
 * Numbers the segments of `r`'s cells: a segment `hint` holds (same protocol and first
 * port) keeps its number, the others take the lowest free numbers in (protocol, port)
 * order. Throws LayoutLimitError beyond 4095 classes.
 */
export function assignPortClasses(r: Pick<Ruleset, 'egress' | 'ingress'>, hint?: PortClasses): PortClasses {
  const firsts = segmentStarts(r);
  const count = firsts.reduce((n, f) => n + f.length, 0);
  if (count >= CLASS_LIMIT) throw new LayoutLimitError('port classes', count, CLASS_LIMIT - 1);
  const taken = new Uint8Array(CLASS_LIMIT);
  const numbers = PROTOCOLS.map((p, pi) => {
    const f = firsts[pi] ?? [];
    const out = new Int32Array(f.length);
    const old = hint?.[p];
    if (old !== undefined && old.length > 0) {
      // Both lists are in port order: one merge finds the survivors.
      let j = 0;
      f.forEach((first, k) => {
        while (j < old.length && (old[j]?.first ?? 0) < first) j++;
        const o = old[j];
        if (o !== undefined && o.first === first && o.cls > 0 && o.cls < CLASS_LIMIT && taken[o.cls] === 0) {
          out[k] = o.cls;
          taken[o.cls] = 1;
        }
      });
    }
    return out;
  });
  let free = 1;
  const out = { TCP: [] as PortSegment[], UDP: [] as PortSegment[], SCTP: [] as PortSegment[] };
  PROTOCOLS.forEach((p, pi) => {
    const f = firsts[pi] ?? [];
    const nums = numbers[pi] as Int32Array;
    f.forEach((first, k) => {
      let cls = nums[k] ?? 0;
      if (cls === 0) {
        while (taken[free] === 1) free++;
        cls = free;
        taken[cls] = 1;
      }
      out[p].push({ first, last: (f[k + 1] ?? PORT_END) - 1, cls });
    });
  });
  return out;
}

export function samePortClasses(a: PortClasses, b: PortClasses): boolean {
  if (a === b) return true;
  for (const p of PROTOCOLS) {
    const x = a[p];
    const y = b[p];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const s = x[i];
      const t = y[i];
      if (s === undefined || t === undefined || s.first !== t.first || s.last !== t.last || s.cls !== t.cls) return false;
    }
  }
  return true;
}

/** Index of the segment holding `port`. */
function segmentIndex(segs: readonly PortSegment[], port: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((segs[mid]?.first ?? 0) <= port) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The class of a port: what the port-bit rules leave in the high bits of the mark. */
export function classOfPort(pc: PortClasses, protocol: Protocol, port: number): number {
  const segs = pc[protocol];
  return segs[segmentIndex(segs, port)]?.cls ?? 0;
}

/** The segments tiling [from, to]; the classes were cut at every cell boundary, so they tile it exactly. */
export function segmentsWithin(pc: PortClasses, protocol: Protocol, from: number, to: number): readonly PortSegment[] {
  const segs = pc[protocol];
  const i = segmentIndex(segs, from);
  let j = i;
  while (j < segs.length && (segs[j]?.last ?? PORT_END) < to) j++;
  const out = segs.slice(i, j + 1);
  if (out[0]?.first !== from || out[out.length - 1]?.last !== to) throw new Error(`port classes do not tile ${protocol} ${from}-${to}: the classes belong to another ruleset`);
  return out;
}

/**
 * The elements of one port-bit set: maximal runs of segments whose class has the bit,
 * among the segments the class map sends to the bit rules (class >= DIRECT_CLASSES).
 */
export function portBitRuns(pc: PortClasses, protocol: Protocol, bit: number): Array<readonly [number, number]> {
  const runs: Array<[number, number]> = [];
  const mask = 2 ** bit;
  for (const s of pc[protocol]) {
    if (s.cls < DIRECT_CLASSES || (Math.floor(s.cls / mask) & 1) === 0) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] + 1 === s.first) last[1] = s.last;
    else runs.push([s.first, s.last]);
  }
  return runs;
}

/** The class map's elements: each segment → `jump port_class_N`, or to the bit rules for larger classes. */
export function portClassElements(pc: PortClasses, protocol: Protocol): Array<readonly [string, string]> {
  return pc[protocol].map((s) => [portRangeText(s.first, s.last), `jump ${s.cls < DIRECT_CLASSES ? classChainName(s.cls) : portBitsChainName(protocol)}`] as const);
}

export function portRangeText(first: number, last: number): string {
  return first === last ? String(first) : `${first}-${last}`;
}

// ---- per-address decision elements ----

/** The decision elements of one local address in one direction. */
export interface AddressDecisions {
  /** Cells map elements: `ip . mark` → verdict text. */
  readonly cells: ReadonlyArray<readonly [string, string]>;
  /** Port-protocol default of the address; undefined when it allows (no element). */
  readonly default: string | undefined;
  readonly nonPortDefault: string | undefined;
}

const NO_DECISIONS: AddressDecisions = Object.freeze({ cells: [], default: undefined, nonPortDefault: undefined });

export function cellKey(ip: string, mark: number): string {
  return `${ip} . ${markText(mark)}`;
}

/** One element per port class inside each cell's range; non-port cells under class 0. */
export function addressDecisions(row: DecisionRow | undefined, ip: string, pc: PortClasses): AddressDecisions {
  if (row === undefined) return NO_DECISIONS;
  const cells: Array<readonly [string, string]> = [];
  for (const c of row.cells) {
    const v = verdictText(c.decision);
    for (const s of segmentsWithin(pc, c.protocol, c.fromPort, c.toPort)) cells.push([cellKey(ip, markOf(c.remote, s.cls)), v]);
  }
  for (const c of row.nonPortCells) cells.push([cellKey(ip, markOf(c.remote, 0)), verdictText(c.decision)]);
  return {
    cells,
    default: row.default.kind === 'allow' ? undefined : verdictText(row.default),
    nonPortDefault: row.nonPortDefault.kind === 'allow' ? undefined : verdictText(row.nonPortDefault),
  };
}

/** Whether an address with these decisions must be checked at all: not when it allows everything. */
export function isChecked(d: AddressDecisions): boolean {
  return d.cells.length > 0 || d.default !== undefined || d.nonPortDefault !== undefined;
}

/** isChecked() of the row's decisions, without building them. */
export function rowIsChecked(row: DecisionRow): boolean {
  return row.cells.length > 0 || row.nonPortCells.length > 0 || row.default.kind !== 'allow' || row.nonPortDefault.kind !== 'allow';
}

/** Rows by local identity. */
export function rowIndex(t: DirectionTable): ReadonlyMap<number, DecisionRow> {
  return new Map(t.rows.map((row) => [row.local, row]));
}

// ---- the whole table ----

/** Set name → element key → value (null in plain sets). Keys and values are nft text. */
export type Elements = ReadonlyMap<string, ReadonlyMap<string, string | null>>;

export function rangeText(family: IpFamily, first: bigint, last: bigint): string {
  const a = formatIp({ family, value: first });
  return first === last ? a : `${a}-${formatIp({ family, value: last })}`;
}

export function elementText(key: string, value: string | null): string {
  return value === null ? key : `${key} : ${value}`;
}

/** Every element of the table, per set in SETS order. */
export function elementsOf(r: Ruleset): Elements {
  const out = new Map<string, Map<string, string | null>>(SETS.map((s) => [s.name, new Map()]));
  const put = (set: string, key: string, value: string | null): void => {
    out.get(set)?.set(key, value);
  };
  for (const a of r.addresses) put(`addr${a.family}`, a.ip, String(identityMark(a.identity)));
  for (const g of r.regions) put(`region${g.family}`, rangeText(g.family, g.first, g.last), String(identityMark(g.identity)));
  const pc = portClasses(r);
  for (const p of PROTOCOLS) {
    for (let b = 0; b < CLASS_BITS; b++) for (const [first, last] of portBitRuns(pc, p, b)) put(portBitSet(p, b), portRangeText(first, last), null);
    for (const [k, v] of portClassElements(pc, p)) put(portClassMap(p), k, v);
  }
  for (const dir of DIRECTIONS) {
    const rows = rowIndex(r[dir]);
    for (const a of r.local) {
      const d = addressDecisions(rows.get(a.identity), a.ip, pc);
      if (isChecked(d)) put(checkedSet(dir, a.family), a.ip, null);
      for (const [k, v] of d.cells) put(cellsSet(dir, a.family), k, v);
      if (d.default !== undefined) put(defaultSet(dir, a.family), a.ip, d.default);
      if (d.nonPortDefault !== undefined) put(nonPortDefaultSet(dir, a.family), a.ip, d.nonPortDefault);
    }
  }
  return out;
}

/** Elements per set without building their text (for metrics and readback checks). */
export function elementCounts(r: Ruleset): ReadonlyMap<string, number> {
  const out = new Map<string, number>(SETS.map((s) => [s.name, 0]));
  const inc = (set: string, n = 1): void => {
    out.set(set, (out.get(set) ?? 0) + n);
  };
  for (const a of r.addresses) inc(`addr${a.family}`);
  for (const g of r.regions) inc(`region${g.family}`);
  const pc = portClasses(r);
  for (const p of PROTOCOLS) {
    for (let b = 0; b < CLASS_BITS; b++) inc(portBitSet(p, b), portBitRuns(pc, p, b).length);
    inc(portClassMap(p), pc[p].length);
  }
  for (const dir of DIRECTIONS) {
    const rows = rowIndex(r[dir]);
    for (const a of r.local) {
      const row = rows.get(a.identity);
      if (row === undefined) continue;
      let n = row.nonPortCells.length;
      for (const c of row.cells) n += segmentsWithin(pc, c.protocol, c.fromPort, c.toPort).length;
      if (rowIsChecked(row)) inc(checkedSet(dir, a.family));
      inc(cellsSet(dir, a.family), n);
      if (row.default.kind !== 'allow') inc(defaultSet(dir, a.family));
      if (row.nonPortDefault.kind !== 'allow') inc(nonPortDefaultSet(dir, a.family));
    }
  }
  return out;
}
