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
import type { Identities } from './identities.ts';
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

/**
 * Identities laid out for bitset walks: dense positions in ascending identity order,
 * per-peer remote bitsets, and named ports per remote. Built once per plan, shared by
 * both directions and every local identity.
 */
export class RemoteSpace {
  readonly ids: readonly number[];
  readonly words: number;
  readonly position: ReadonlyMap<number, number>;
  readonly familyMask: ReadonlyMap<IpFamily, Uint32Array>;
  /** Pod of each position's representative, or undefined for non-pod identities. */
  readonly repPod: ReadonlyArray<Pod | undefined>;
  private readonly c: Compiled;
  private readonly identities: Identities;
  private readonly peerIndex: ReadonlyMap<string, number>;
  /** Positions of the identities each peer matches; built on first use (a fully reused plan never needs it). */
  private byPeerLists: ReadonlyArray<readonly number[]> | undefined;
  /** Identities all of whose addresses belong to one pod, by pod index. */
  private readonly soloByPod: ReadonlyMap<number, readonly number[]>;
  /** Region identities without a free address: every address of theirs is a pod's or a node's. */
  private readonly unreachable: readonly number[];
  private readonly peerBitsCache = new Map<number, Uint32Array>();
  private readonly ruleBitsCache = new Map<Rule, Uint32Array | true>();
  private readonly namedCache = new Map<string, Uint32Array>();
  private readonly namedPortsCache = new Map<string, readonly number[]>();
  readonly all: Uint32Array;

  constructor(c: Compiled, identities: Identities) {
    this.c = c;
    this.identities = identities;
    this.ids = [...identities.family.keys()].sort((a, b) => a - b);
    this.words = Math.ceil(this.ids.length / 32);
    this.position = new Map(this.ids.map((id, k) => [id, k]));
    const masks = new Map<IpFamily, Uint32Array>([[4, new Uint32Array(this.words)], [6, new Uint32Array(this.words)]]);
    this.ids.forEach((id, k) => setBit(masks.get(identities.family.get(id) ?? 4) ?? new Uint32Array(0), k));
    this.familyMask = masks;
    this.all = new Uint32Array(this.words);
    for (const m of masks.values()) for (let w = 0; w < this.words; w++) this.all[w] = (this.all[w] ?? 0) | (m[w] ?? 0);
    this.repPod = this.ids.map((id) => {
      const rep = identities.reps.get(id)?.[0];
      return rep === undefined || rep.podIndex < 0 ? undefined : c.pods[rep.podIndex];
    });
    this.peerIndex = new Map(identities.peers.map(([key], k) => [key, k]));
    const solo = new Map<number, number[]>();
    for (const id of this.ids) {
      const reps = identities.reps.get(id) ?? [];
      const pod = reps[0]?.podIndex ?? -1;
      if (reps.length !== 1 || pod < 0) continue;
      let l = solo.get(pod);
      if (l === undefined) solo.set(pod, (l = []));
      l.push(id);
    }
    this.soloByPod = solo;
    this.unreachable = this.ids.filter((id) => (identities.reps.get(id) ?? []).length === 0);
  }

  private byPeer(): ReadonlyArray<readonly number[]> {
    if (this.byPeerLists === undefined) {
      const byPeer: number[][] = this.identities.peers.map(() => []);
      this.ids.forEach((id, pos) => {
        for (const k of this.identities.members.get(id) ?? []) byPeer[k]?.push(pos);
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
    const k = this.peerIndex.get(this.c.peers.get(peer)?.key ?? '');
    if (k === undefined) return new Uint32Array(this.words); // FQDN peers match no address
    let bits = this.peerBitsCache.get(k);
    if (bits === undefined) {
      bits = new Uint32Array(this.words);
      for (const pos of this.byPeer()[k] ?? []) setBit(bits, pos);
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

  /**
   * Remote identities left out of a local identity's row, ascending: those made only of
   * the local's representative pod (loopback never reaches the node), and regions no
   * packet can carry (no address of theirs is outside pods and nodes).
   */
  excludedFor(local: number): readonly number[] {
    const repL = this.identities.reps.get(local)?.[0];
    const fam = this.identities.family.get(local);
    const solo = repL === undefined || repL.podIndex < 0 ? [] : (this.soloByPod.get(repL.podIndex) ?? []);
    return [...solo, ...this.unreachable].filter((id) => this.identities.family.get(id) === fam).sort((a, b) => a - b);
  }
}

/**
 * The decisions of one local identity in one direction, as cells in (remote, protocol,
 * port) order; `dropTarget` is called in that order, so new drop chains are numbered
 * the same way evaluate() per cell would have numbered them.
 */
export function decisionRow(c: Compiled, space: RemoteSpace, ids: Identities, local: number, direction: Direction, dropTarget: DropTargetOf): DecisionRow | undefined {
  const repL = ids.reps.get(local)?.[0];
  if (repL === undefined || repL.podIndex < 0) return undefined;
  const selection = c.selectionOf(repL.podIndex, direction);
  if (selection.length === 0) return { local, default: ALLOW, cells: [], nonPortDefault: ALLOW, nonPortCells: [] };
  const localPod = c.pods[repL.podIndex];
  const famMask = space.familyMask.get(ids.family.get(local) ?? 4) ?? new Uint32Array(space.words);
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
  const segments = new Map<Protocol, { starts: number[]; decisions: Int32Array[] }>();
  for (const protocol of PROTOCOLS) {
    const starts = portStarts(rules, protocol, direction === 'ingress' ? localPod : undefined, space);
    const decisions = starts.map((port) => walker.run((rule) => rulePorts(rule, protocol, port, direction === 'ingress' ? localPod : undefined, space)));
    segments.set(protocol, { starts, decisions });
  }

  // Remote positions of the row, ascending (positions follow identity numbers).
  const remotes: number[] = [];
  const skip = new Set(space.excludedFor(local).map((id) => space.position.get(id) ?? -1));
  for (let w = 0; w < space.words; w++) forBits(famMask[w] ?? 0, w, (pos) => { if (!skip.has(pos)) remotes.push(pos); });
  const segs = PROTOCOLS.map((protocol) => ({ protocol, ...(segments.get(protocol) ?? { starts: [], decisions: [] }) }));

  // Pass 1: count runs per decision (the default is the most common), and note the order
  // in which decisions first appear, which is the order a per-cell walk allocates drop chains.
  const portCount = new Map<number, number>([[0, 0]]);
  const nonPortCount = new Map<number, number>([[0, 0]]);
  const firstSeen = new Set<number>();
  // A remote no rule ever claimed is decided by the tier defaults alone: the same decision
  // for every protocol, port and non-port packet, so after the first one it is counted in bulk.
  const touched = walker.touched;
  const isTouched = (pos: number): boolean => (((touched[pos >>> 5] ?? 0) >>> (pos & 31)) & 1) === 1;
  let untouchedSeen = false;
  for (const pos of remotes) {
    if (!isTouched(pos)) {
      if (untouchedSeen) {
        const k = nonPort[pos] ?? 0;
        nonPortCount.set(k, (nonPortCount.get(k) ?? 0) + 1);
        portCount.set(k, (portCount.get(k) ?? 0) + segs.length);
        continue;
      }
      untouchedSeen = true;
    }
    const np = nonPort[pos] ?? 0;
    firstSeen.add(np);
    nonPortCount.set(np, (nonPortCount.get(np) ?? 0) + 1);
    for (const seg of segs) {
      let open = -1;
      for (const d of seg.decisions) {
        const k = d[pos] ?? 0;
        if (k === open) continue;
        firstSeen.add(k);
        portCount.set(k, (portCount.get(k) ?? 0) + 1);
        open = k;
      }
    }
  }
  const decisions = new Map<number, Decision>([[0, ALLOW]]);
  for (const k of firstSeen) {
    const d = drops[k - 1];
    if (k !== 0 && d !== undefined) decisions.set(k, { kind: 'drop', target: dropTarget(d.key, d.label) });
  }
  const decisionOf = (k: number): Decision => decisions.get(k) ?? ALLOW;
  const bestPort = mostCommonCode(portCount);
  const bestNonPort = mostCommonCode(nonPortCount);

  // Pass 2: only the cells that differ from the defaults.
  const cells: DecisionCell[] = [];
  const nonPortCells: NonPortCell[] = [];
  for (const pos of remotes) {
    const remote = space.ids[pos] ?? 0;
    const np = nonPort[pos] ?? 0;
    if (np !== bestNonPort) nonPortCells.push({ local, remote, decision: decisionOf(np) });
    if (!isTouched(pos)) {
      if (np !== bestPort) for (const seg of segs) cells.push({ local, remote, protocol: seg.protocol, fromPort: 0, toPort: PORT_END - 1, decision: decisionOf(np) });
      continue;
    }
    for (const seg of segs) {
      let open = -1;
      let from = 0;
      seg.starts.forEach((start, s) => {
        const k = seg.decisions[s]?.[pos] ?? 0;
        if (k === open) return;
        if (open >= 0 && open !== bestPort) cells.push({ local, remote, protocol: seg.protocol, fromPort: from, toPort: start - 1, decision: decisionOf(open) });
        open = k;
        from = start;
      });
      if (open >= 0 && open !== bestPort) cells.push({ local, remote, protocol: seg.protocol, fromPort: from, toPort: PORT_END - 1, decision: decisionOf(open) });
    }
  }
  return { local, default: decisionOf(bestPort), cells, nonPortDefault: decisionOf(bestNonPort), nonPortCells };
}

/** The decision of most cells: allow on ties, then the one seen first (Map order: allow is inserted first). */
function mostCommonCode(counts: ReadonlyMap<number, number>): number {
  let best = 0;
  let n = -1;
  for (const [k, count] of counts) {
    if (count > n) {
      best = k;
      n = count;
    }
  }
  return best;
}

/** The table of one direction from the rows of its local identities, in ascending order. */
export function directionTable(rows: readonly DecisionRow[]): DirectionTable {
  const defaults = new Map<number, Decision>();
  const cells: DecisionCell[] = [];
  const nonPortDefaults = new Map<number, Decision>();
  const nonPortCells: NonPortCell[] = [];
  for (const row of rows) {
    defaults.set(row.local, row.default);
    nonPortDefaults.set(row.local, row.nonPortDefault);
    for (const cell of row.cells) cells.push(cell);
    for (const cell of row.nonPortCells) nonPortCells.push(cell);
  }
  return { rows, defaults, cells, nonPortDefaults, nonPortCells };
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

