// The decision table of one direction on one node: for every local identity, every remote
// identity of the same family, every protocol and every port range between the ports the
// relevant rules and named ports mention, what evaluate() says. The most common decision
// of a local identity becomes its default; only the other cells become map elements.
//
// Instead of calling evaluate() per cell, each local identity walks the rules of only the
// policies selecting it once per (protocol, port segment), over all remote identities at
// once with bitsets (as engine/matrix.ts does over pod classes): U holds the undecided
// remotes, and each rule in evaluation order claims T ∩ peers(rule) (allow/deny decide,
// pass leaves the tier); a tier whose isolating policies matched nothing denies the rest.
// The walk reproduces judgeSide() in engine/evaluate.ts, including which policy a drop is
// attributed to; plan.test.ts checks the result against evaluate() on random clusters.
//
// A remote's cells depend on the local and that remote alone (extra port cuts from other
// remotes' named ports only split runs that merge again), and the default is the most
// common decision by run counts with an order-free tie-break (allow, then the dropping
// policy's id). So a row can be patched when remote classes come and go: columnRuns()
// walks the same rules over just those remotes (a small RemoteSpace), and plan.ts adds or
// subtracts their runs and cells; fullRow() is the walk over every remote.
import type { Compiled } from '../engine/compile.ts';
import type { Pod } from '../model/cluster.ts';
import type { IpFamily } from '../model/ip.ts';
import type { Peer } from '../model/peer.ts';
import type { Direction, Policy } from '../model/policy.ts';
import { policyDisplayName, policyId } from '../model/policy.ts';
import type { PortMatch } from '../model/port-match.ts';
import { PROTOCOLS } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import { ruleMatchesNonPort } from './non-port.ts';
import { ALLOW } from './ruleset.ts';
import type { Decision, DecisionCell, DecisionRow, DirectionTable, NonPortCell } from './ruleset.ts';

export type { DecisionRow } from './ruleset.ts';

/** Gives the drop-target index of a policy (allocating one on first use). */
export type DropTargetOf = (key: string, label: string) => number;

const PORT_END = 65536;

/** A drop decision before it has a drop-target index: the policy key and label. */
interface DropRef {
  readonly key: string;
  readonly label: string;
}

/** A remote identity as the walk sees it. */
export interface Column {
  readonly id: number;
  readonly family: IpFamily;
  /** Ids of the peers its addresses match (keys: RemoteSpace's `peerIds`). */
  readonly membership: readonly number[];
  /** A pod of the class (its named ports are the class's); undefined for nodes and regions. */
  readonly pod: Pod | undefined;
}

/** The local side of a row: an identity and one of its pods (selection and named ports are the class's). */
export interface LocalSide {
  readonly id: number;
  readonly family: IpFamily;
  readonly slot: number;
  readonly pod: Pod;
}

/**
 * Remote identities laid out for bitset walks: dense positions in ascending identity
 * order, per-peer remote bitsets, and named ports per remote. plan.ts builds one over
 * every identity for full rows, and small ones over the identities that came or went.
 */
export class RemoteSpace {
  readonly ids: readonly number[];
  readonly words: number;
  readonly position: ReadonlyMap<number, number>;
  readonly familyMask: ReadonlyMap<IpFamily, Uint32Array>;
  /** Pod of each position's class, or undefined for non-pod identities. */
  readonly repPod: ReadonlyArray<Pod | undefined>;
  readonly all: Uint32Array;
  private readonly c: Compiled;
  private readonly columns: readonly Column[];
  private readonly peerIds: ReadonlyMap<string, number>;
  /** Positions of the identities each peer matches; built on first use. */
  private byPeerLists: ReadonlyMap<number, readonly number[]> | undefined;
  private readonly peerBitsCache = new Map<number, Uint32Array>();
  private readonly ruleBitsCache = new WeakMap<Rule, Uint32Array | true>();
  private readonly namedCache = new Map<string, Uint32Array>();
  private readonly namedPortsCache = new Map<string, readonly number[]>();

  constructor(c: Compiled, columns: readonly Column[], peerIds: ReadonlyMap<string, number>) {
    this.c = c;
    this.peerIds = peerIds;
    this.columns = [...columns].sort((a, b) => a.id - b.id);
    this.ids = this.columns.map((col) => col.id);
    this.words = Math.ceil(this.ids.length / 32);
    this.position = new Map(this.ids.map((id, k) => [id, k]));
    const masks = new Map<IpFamily, Uint32Array>([[4, new Uint32Array(this.words)], [6, new Uint32Array(this.words)]]);
    this.columns.forEach((col, k) => setBit(masks.get(col.family) ?? new Uint32Array(0), k));
    this.familyMask = masks;
    this.all = new Uint32Array(this.words);
    for (const m of masks.values()) for (let w = 0; w < this.words; w++) this.all[w] = (this.all[w] ?? 0) | (m[w] ?? 0);
    this.repPod = this.columns.map((col) => col.pod);
  }

  private byPeer(): ReadonlyMap<number, readonly number[]> {
    if (this.byPeerLists === undefined) {
      const byPeer = new Map<number, number[]>();
      this.columns.forEach((col, pos) => {
        for (const k of col.membership) {
          let l = byPeer.get(k);
          if (l === undefined) byPeer.set(k, (l = []));
          l.push(pos);
        }
      });
      this.byPeerLists = byPeer;
    }
    return this.byPeerLists;
  }

  /** Remotes some peer of the rule matches and no notPeer does (true: every remote). */
  ruleBits(rule: Rule): Uint32Array | true {
    let bits = this.ruleBitsCache.get(rule);
    if (bits !== undefined) return bits;
    const notPeers = rule.notPeers ?? [];
    if (rule.peers === null && notPeers.length === 0) bits = true;
    else {
      const b = rule.peers === null ? Uint32Array.from(this.all) : new Uint32Array(this.words);
      for (const p of rule.peers ?? []) or(b, this.peerBits(p));
      for (const p of notPeers) andNot(b, this.peerBits(p));
      bits = b;
    }
    this.ruleBitsCache.set(rule, bits);
    return bits;
  }

  private peerBits(peer: Peer): Uint32Array {
    const k = this.peerIds.get(this.c.peers.get(peer)?.key ?? '');
    if (k === undefined) return new Uint32Array(this.words); // FQDN peers match no address
    let bits = this.peerBitsCache.get(k);
    if (bits === undefined) {
      bits = new Uint32Array(this.words);
      for (const pos of this.byPeer().get(k) ?? []) setBit(bits, pos);
      this.peerBitsCache.set(k, bits);
    }
    return bits;
  }

  /** Remotes whose pod has container port `name` of `protocol` numbered `port`. */
  namedBits(name: string, protocol: Protocol, port: number): Uint32Array {
    const key = `${name}/${protocol}/${port}`;
    let bits = this.namedCache.get(key);
    if (bits === undefined) {
      bits = new Uint32Array(this.words);
      this.repPod.forEach((pod, pos) => {
        if (pod?.ports.some((cp) => cp.name === name && cp.protocol === protocol && cp.port === port) === true) setBit(bits ?? new Uint32Array(0), pos);
      });
      this.namedCache.set(key, bits);
    }
    return bits;
  }

  /** Every port number a remote pod gives the named port `name` of `protocol`. */
  namedPorts(name: string, protocol: Protocol): readonly number[] {
    const key = `${name}/${protocol}`;
    let ports = this.namedPortsCache.get(key);
    if (ports === undefined) {
      const set = new Set<number>();
      for (const pod of this.repPod) for (const cp of pod?.ports ?? []) if (cp.name === name && cp.protocol === protocol) set.add(cp.port);
      ports = [...set];
      this.namedPortsCache.set(key, ports);
    }
    return ports;
  }
}

/** The walk of one row over a space: per remote position, codes (0 allow, k: dropped by drops[k-1]). */
interface RowWalk {
  readonly drops: readonly DropRef[];
  readonly nonPort: Int32Array;
  readonly segs: ReadonlyArray<{ readonly protocol: Protocol; readonly starts: readonly number[]; readonly decisions: readonly Int32Array[] }>;
  /** Remotes some rule claimed: all the others share one decision everywhere. */
  readonly touched: Uint32Array;
}

function walkRow(c: Compiled, space: RemoteSpace, local: LocalSide, direction: Direction, selection: readonly number[]): RowWalk {
  const famMask = space.familyMask.get(local.family) ?? new Uint32Array(space.words);
  const rules = selection.flatMap((pi) => c.enforced[pi]?.[direction]?.rules ?? []);
  const drops: DropRef[] = [];
  const dropCodes = new Map<string, number>();
  const code = (key: string, label: string): number => {
    let k = dropCodes.get(key);
    if (k === undefined) {
      drops.push({ key, label });
      k = drops.length;
      dropCodes.set(key, k);
    }
    return k;
  };
  const walker = new Walk(c, space, selection, direction, famMask, code);
  const nonPort = walker.run(ruleMatchesNonPort);
  const dst = direction === 'ingress' ? local.pod : undefined;
  const segs = PROTOCOLS.map((protocol) => {
    const starts = portStarts(rules, protocol, dst, space);
    const decisions = starts.map((port) => walker.run((rule) => rulePorts(rule, protocol, port, dst, space)));
    return { protocol, starts, decisions };
  });
  return { drops, nonPort, segs, touched: walker.touched };
}

/** Run and remote counts per decision key ('' allow, else the dropping policy's id). */
export interface RowCounts {
  readonly port: Map<string, number>;
  readonly nonPort: Map<string, number>;
}

/** The decision of most cells: allow on ties, then the smallest policy id — independent of numbering and order. */
export function bestKey(counts: ReadonlyMap<string, number>): string {
  let best = '';
  let n = counts.get('') ?? 0;
  for (const [k, count] of counts) {
    if (count > n || (count === n && k !== '' && best !== '' && k < best)) {
      best = k;
      n = count;
    }
  }
  return best;
}

/** A full row: what the local identity decides for every remote of its family but `excluded`. */
export function fullRow(c: Compiled, space: RemoteSpace, local: LocalSide, direction: Direction, excluded: ReadonlySet<number>, dropTarget: DropTargetOf): { row: DecisionRow; counts: RowCounts; keys: ReadonlySet<string> } {
  const selection = c.selectionOf(local.slot, direction);
  const counts: RowCounts = { port: new Map(), nonPort: new Map() };
  if (selection.length === 0) return { row: { local: local.id, default: ALLOW, cells: [], nonPortDefault: ALLOW, nonPortCells: [] }, counts, keys: new Set() };
  const w = walkRow(c, space, local, direction, selection);
  const famMask = space.familyMask.get(local.family) ?? new Uint32Array(space.words);
  const keyOf = (k: number): string => (k === 0 ? '' : (w.drops[k - 1]?.key ?? ''));
  const remotes: number[] = [];
  for (let wd = 0; wd < space.words; wd++) forBits(famMask[wd] ?? 0, wd, (pos) => { if (!excluded.has(space.ids[pos] ?? 0)) remotes.push(pos); });
  const isTouched = (pos: number): boolean => (((w.touched[pos >>> 5] ?? 0) >>> (pos & 31)) & 1) === 1;
  const portCodes = new Map<number, number>();
  const nonPortCodes = new Map<number, number>();
  const bump = (m: Map<number, number>, k: number, by: number): void => {
    m.set(k, (m.get(k) ?? 0) + by);
  };
  for (const pos of remotes) {
    const np = w.nonPort[pos] ?? 0;
    bump(nonPortCodes, np, 1);
    // A remote no rule ever claimed is decided by the tier defaults alone: one run per protocol.
    if (!isTouched(pos)) {
      bump(portCodes, np, w.segs.length);
      continue;
    }
    for (const seg of w.segs) {
      let open = -1;
      for (const d of seg.decisions) {
        const k = d[pos] ?? 0;
        if (k === open) continue;
        bump(portCodes, k, 1);
        open = k;
      }
    }
  }
  for (const [k, n] of portCodes) counts.port.set(keyOf(k), n);
  for (const [k, n] of nonPortCodes) counts.nonPort.set(keyOf(k), n);
  const bestPort = bestKey(counts.port);
  const bestNonPort = bestKey(counts.nonPort);
  const decisions = new Map<string, Decision>([['', ALLOW]]);
  const labels = new Map(w.drops.map((d) => [d.key, d.label]));
  const decisionOf = (key: string): Decision => {
    let d = decisions.get(key);
    if (d === undefined) decisions.set(key, (d = { kind: 'drop', target: dropTarget(key, labels.get(key) ?? key) }));
    return d;
  };
  const def = decisionOf(bestPort);
  const nonPortDef = decisionOf(bestNonPort);
  const cells: DecisionCell[] = [];
  const nonPortCells: NonPortCell[] = [];
  for (const pos of remotes) {
    const remote = space.ids[pos] ?? 0;
    const np = keyOf(w.nonPort[pos] ?? 0);
    if (np !== bestNonPort) nonPortCells.push({ local: local.id, remote, decision: decisionOf(np) });
    if (!isTouched(pos)) {
      if (np !== bestPort) for (const seg of w.segs) cells.push({ local: local.id, remote, protocol: seg.protocol, fromPort: 0, toPort: PORT_END - 1, decision: decisionOf(np) });
      continue;
    }
    for (const seg of w.segs) {
      for (const run of runsOf(seg, pos)) {
        const key = keyOf(run.code);
        if (key !== bestPort) cells.push({ local: local.id, remote, protocol: seg.protocol, fromPort: run.from, toPort: run.to, decision: decisionOf(key) });
      }
    }
  }
  const keys = new Set([...decisions.keys()].filter((k) => k !== ''));
  return { row: { local: local.id, default: def, cells, nonPortDefault: nonPortDef, nonPortCells }, counts, keys };
}

/** One remote's decisions in a row: without ports, and the maximal port runs per protocol. */
export interface ColumnRuns {
  readonly remote: number;
  readonly nonPort: string;
  readonly runs: ReadonlyArray<{ readonly protocol: Protocol; readonly from: number; readonly to: number; readonly key: string }>;
}

/** What the local identity decides for each remote of a (small) space, with the labels of the dropping policies. */
export function columnRuns(c: Compiled, space: RemoteSpace, local: LocalSide, direction: Direction): { columns: ColumnRuns[]; labels: ReadonlyMap<string, string> } {
  const selection = c.selectionOf(local.slot, direction);
  const famMask = space.familyMask.get(local.family) ?? new Uint32Array(space.words);
  const positions: number[] = [];
  for (let wd = 0; wd < space.words; wd++) forBits(famMask[wd] ?? 0, wd, (pos) => positions.push(pos));
  if (selection.length === 0) {
    const all = PROTOCOLS.map((protocol) => ({ protocol, from: 0, to: PORT_END - 1, key: '' }));
    return { columns: positions.map((pos) => ({ remote: space.ids[pos] ?? 0, nonPort: '', runs: all })), labels: new Map() };
  }
  const w = walkRow(c, space, local, direction, selection);
  const keyOf = (k: number): string => (k === 0 ? '' : (w.drops[k - 1]?.key ?? ''));
  const columns = positions.map((pos): ColumnRuns => ({
    remote: space.ids[pos] ?? 0,
    nonPort: keyOf(w.nonPort[pos] ?? 0),
    runs: w.segs.flatMap((seg) => runsOf(seg, pos).map((r) => ({ protocol: seg.protocol, from: r.from, to: r.to, key: keyOf(r.code) }))),
  }));
  return { columns, labels: new Map(w.drops.map((d) => [d.key, d.label])) };
}

/** Maximal runs of equal codes of one remote across a protocol's segments. */
function runsOf(seg: RowWalk['segs'][number], pos: number): Array<{ from: number; to: number; code: number }> {
  const out: Array<{ from: number; to: number; code: number }> = [];
  let open = -1;
  let from = 0;
  seg.starts.forEach((start, s) => {
    const k = seg.decisions[s]?.[pos] ?? 0;
    if (k === open) return;
    if (open >= 0) out.push({ from, to: start - 1, code: open });
    open = k;
    from = start;
  });
  if (open >= 0) out.push({ from, to: PORT_END - 1, code: open });
  return out;
}

/** The table of one direction from the rows of its local identities, in ascending order; the flat cell lists are built on first read. */
export function directionTable(rows: readonly DecisionRow[]): DirectionTable {
  const defaults = new Map<number, Decision>();
  const nonPortDefaults = new Map<number, Decision>();
  for (const row of rows) {
    defaults.set(row.local, row.default);
    nonPortDefaults.set(row.local, row.nonPortDefault);
  }
  let cells: DecisionCell[] | undefined;
  let nonPortCells: NonPortCell[] | undefined;
  return {
    rows, defaults, nonPortDefaults,
    get cells(): readonly DecisionCell[] {
      cells ??= rows.flatMap((r) => r.cells);
      return cells;
    },
    get nonPortCells(): readonly NonPortCell[] {
      nonPortCells ??= rows.flatMap((r) => r.nonPortCells);
      return nonPortCells;
    },
  };
}

/** One side's first-match walk over the selecting policies, for all remotes at once. */
class Walk {
  private readonly c: Compiled;
  private readonly space: RemoteSpace;
  private readonly selection: readonly number[];
  private readonly direction: Direction;
  private readonly famMask: Uint32Array;
  private readonly code: (key: string, label: string) => number;
  private readonly U: Uint32Array;
  private readonly T: Uint32Array;
  private readonly m: Uint32Array;
  /** Remotes some rule claimed in some run: all the others share one decision everywhere. */
  readonly touched: Uint32Array;

  constructor(c: Compiled, space: RemoteSpace, selection: readonly number[], direction: Direction, famMask: Uint32Array, code: (key: string, label: string) => number) {
    this.c = c;
    this.space = space;
    this.selection = selection;
    this.direction = direction;
    this.famMask = famMask;
    this.code = code;
    this.U = new Uint32Array(space.words);
    this.T = new Uint32Array(space.words);
    this.m = new Uint32Array(space.words);
    this.touched = new Uint32Array(space.words);
  }

  /** Per remote position: 0 allowed, k > 0 dropped by the k-th drop reference. */
  run(portsOf: (rule: Rule) => boolean | Uint32Array): Int32Array {
    const { c, U, T, m, direction } = this;
    const W = this.space.words;
    const out = new Int32Array(this.space.ids.length);
    U.set(this.famMask);
    const list = this.selection;
    let k = 0;
    for (let t = 0; t < c.tiers.length; t++) {
      const start = k;
      while (k < list.length && c.enforcedTier[list[k] ?? 0] === t) k++;
      if (start === k) continue;
      T.set(U);
      let firstIsolating: Policy | undefined;
      for (let i = start; i < k; i++) {
        const p = c.enforced[list[i] ?? 0];
        const rules = p?.[direction];
        if (p === undefined || rules === undefined) continue;
        if (rules.isolates && firstIsolating === undefined) firstIsolating = p;
        for (const rule of rules.rules) {
          if (rule.action === 'log') continue;
          const ports = portsOf(rule);
          if (ports === false) continue;
          const peers = this.space.ruleBits(rule);
          let any = 0;
          for (let w = 0; w < W; w++) {
            let v = T[w] ?? 0;
            if (peers !== true) v &= peers[w] ?? 0;
            if (ports !== true) v &= ports[w] ?? 0;
            m[w] = v;
            any |= v;
          }
          if (any === 0) continue;
          or(this.touched, m);
          const dropCode = rule.action === 'deny' ? this.code(p.id, policyDisplayName(p.ref)) : 0;
          for (let w = 0; w < W; w++) {
            const v = m[w] ?? 0;
            if (v === 0) continue;
            T[w] = (T[w] ?? 0) & ~v;
            if (rule.action === 'pass') continue;
            U[w] = (U[w] ?? 0) & ~v;
            if (dropCode !== 0) forBits(v, w, (pos) => { out[pos] = dropCode; });
          }
        }
      }
      if (firstIsolating !== undefined && c.tiers[t]?.onNoMatch === 'deny-if-selected') {
        const ref = firstIsolating.ref;
        let dropCode = 0;
        for (let w = 0; w < W; w++) {
          const v = (T[w] ?? 0) & (U[w] ?? 0);
          if (v === 0) continue;
          if (dropCode === 0) dropCode = this.code(policyId(ref), policyDisplayName(ref));
          U[w] = (U[w] ?? 0) & ~v;
          forBits(v, w, (pos) => { out[pos] = dropCode; });
        }
      }
    }
    return out;
  }
}

function forBits(word: number, w: number, f: (pos: number) => void): void {
  let v = word;
  while (v !== 0) {
    const low = v & -v;
    f((w << 5) + 31 - Math.clz32(low));
    v ^= low;
  }
}

function setBit(bits: Uint32Array, pos: number): void {
  bits[pos >>> 5] = (bits[pos >>> 5] ?? 0) | (1 << (pos & 31));
}

function or(into: Uint32Array, b: Uint32Array): void {
  for (let w = 0; w < into.length; w++) into[w] = (into[w] ?? 0) | (b[w] ?? 0);
}

function andNot(into: Uint32Array, b: Uint32Array): void {
  for (let w = 0; w < into.length; w++) into[w] = (into[w] ?? 0) & ~(b[w] ?? 0);
}

/** Whether a port entry admits (protocol, port): a boolean, or per remote for a named port resolved on remote pods. */
function entryPorts(e: PortMatch, protocol: Protocol, port: number, dstPod: Pod | undefined, space: RemoteSpace): boolean | Uint32Array {
  if (e.protocol !== null && e.protocol !== protocol) return false;
  const spec = e.ports;
  if (spec === null) return true;
  if (spec.kind === 'range') return port >= spec.from && port <= spec.to;
  if (dstPod !== undefined) return dstPod.ports.some((cp) => cp.name === spec.name && cp.protocol === protocol && cp.port === port);
  return space.namedBits(spec.name, protocol, port);
}

/**
 * Which remotes a rule's ports admit at (protocol, port), as rulePortHit() in
 * engine/match-rule.ts: `dstPod` is the local pod for ingress; for egress the destination
 * is the remote, so named ports give a bitset over remotes.
 */
function rulePorts(rule: Rule, protocol: Protocol, port: number, dstPod: Pod | undefined, space: RemoteSpace): boolean | Uint32Array {
  let admitted: boolean | Uint32Array = true;
  if (rule.ports !== null) admitted = anyOf(rule.ports, protocol, port, dstPod, space);
  if (admitted === false) return false;
  const notPorts = rule.notPorts ?? [];
  if (notPorts.length === 0) return admitted;
  const excluded = anyOf(notPorts, protocol, port, dstPod, space);
  if (excluded === true) return false;
  if (excluded === false) return admitted;
  const out = admitted === true ? Uint32Array.from(space.all) : Uint32Array.from(admitted);
  andNot(out, excluded);
  return out;
}

function anyOf(entries: readonly PortMatch[], protocol: Protocol, port: number, dstPod: Pod | undefined, space: RemoteSpace): boolean | Uint32Array {
  let bits: Uint32Array | undefined;
  for (const e of entries) {
    const hit = entryPorts(e, protocol, port, dstPod, space);
    if (hit === true) return true;
    if (hit === false) continue;
    if (bits === undefined) bits = Uint32Array.from(hit);
    else or(bits, hit);
  }
  return bits ?? false;
}

/**
 * Ports where some rule's port entries of `protocol` start or stop matching, plus 0: the
 * decision is the same for every port of a segment. Named ports cut around their numbers
 * on the destination: the local pod (ingress) or every remote pod (egress).
 */
function portStarts(rules: readonly Rule[], protocol: Protocol, dstPod: Pod | undefined, space: RemoteSpace): number[] {
  const cuts = new Set<number>([0]);
  const cutAt = (from: number, to: number): void => {
    cuts.add(from);
    if (to + 1 < PORT_END) cuts.add(to + 1);
  };
  for (const r of rules) {
    if (r.action === 'log') continue;
    for (const e of [...(r.ports ?? []), ...(r.notPorts ?? [])]) {
      if (e.ports === null || (e.protocol !== null && e.protocol !== protocol)) continue;
      if (e.ports.kind === 'range') cutAt(e.ports.from, e.ports.to);
      else if (dstPod !== undefined) {
        for (const cp of dstPod.ports) if (cp.name === e.ports.name && cp.protocol === protocol) cutAt(cp.port, cp.port);
      } else {
        for (const p of space.namedPorts(e.ports.name, protocol)) cutAt(p, p);
      }
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

