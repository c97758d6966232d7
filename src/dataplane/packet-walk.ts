// A pure interpreter of a planned table: what the kernel would do with the first packet of
// a new connection at one hook of this node, following the rules render.ts emits
// (identity lookups, local-address jumps, cells, then the local default): `forward` for
// packets routed through the node, `input` for packets to the node's own addresses,
// `output` for packets the node (or a host-network pod) sends. It lets tests check a plan
// against evaluate() for every flow without a kernel, and explains a drop.
import { parseIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import type { Protocol } from '../model/protocol.ts';
import type { DirectionTable, Ruleset } from './ruleset.ts';

export interface Packet {
  readonly src: string;
  readonly dst: string;
  /** `other` is any protocol without ports (ICMP, ...). */
  readonly protocol: Protocol | 'other';
  readonly port: number;
  /**
   * Where the node meets the packet: `forward` (default) when it routes it, `input` when
   * it is addressed to the node itself, `output` when the node's own stack sends it.
   */
  readonly hook?: Hook;
}

export type Hook = 'forward' | 'input' | 'output';

export interface WalkResult {
  readonly verdict: 'accept' | 'drop';
  /** Drop-target index of a drop. */
  readonly target?: number;
  /** Which checks the packet went through here. */
  readonly checked: ReadonlyArray<'egress' | 'ingress'>;
}

interface Index {
  readonly exact: ReadonlyMap<string, number>;
  readonly local: ReadonlySet<string>;
}

const indexes = new WeakMap<Ruleset, Index>();

function indexOf(r: Ruleset): Index {
  let ix = indexes.get(r);
  if (ix === undefined) {
    ix = { exact: new Map(r.addresses.map((a) => [a.ip, a.identity])), local: new Set(r.local.map((a) => a.ip)) };
    indexes.set(r, ix);
  }
  return ix;
}

/** The identity the two mark-setting rules leave: the exact address's, else its region's. */
export function identityOf(r: Ruleset, ip: string): number | undefined {
  const exact = indexOf(r).exact.get(ip);
  if (exact !== undefined) return exact;
  const a = parseIp(ip);
  if (a === undefined) return undefined;
  return r.regions.find((g) => g.family === a.family && g.first <= a.value && a.value <= g.last)?.identity;
}

export function walkPacket(r: Ruleset, p: Packet): WalkResult {
  const family: IpFamily | undefined = parseIp(p.src)?.family;
  if (family === undefined || parseIp(p.dst)?.family !== family) throw new Error(`packet ${p.src} -> ${p.dst} mixes or lacks address families`);
  const ix = indexOf(r);
  const srcId = identityOf(r, p.src) ?? 0;
  const dstId = identityOf(r, p.dst) ?? 0;
  const checked: Array<'egress' | 'ingress'> = [];
  // The table hooks only `forward`: packets between a pod and its own node (input/output)
  // are never filtered, as Kubernetes always allows that traffic.
  if ((p.hook ?? 'forward') !== 'forward') return { verdict: 'accept', checked };
  if (ix.local.has(p.src)) {
    checked.push('egress');
    const d = check(r.egress, srcId, dstId, p);
    if (d !== undefined) return { verdict: 'drop', target: d, checked };
  }
  if (ix.local.has(p.dst)) {
    checked.push('ingress');
    const d = check(r.ingress, dstId, srcId, p);
    if (d !== undefined) return { verdict: 'drop', target: d, checked };
  }
  return { verdict: 'accept', checked };
}

/** One check chain: undefined when it returns (allowed), else the drop target it jumps to. */
function check(t: DirectionTable, local: number, remote: number, p: Packet): number | undefined {
  if (p.protocol === 'other') {
    const np = t.nonPortCells.find((c) => c.local === local && c.remote === remote)?.decision ?? t.nonPortDefaults.get(local);
    return np?.kind === 'drop' ? np.target : undefined;
  }
  const cell = t.cells.find((c) => c.local === local && c.remote === remote && c.protocol === p.protocol && c.fromPort <= p.port && p.port <= c.toPort);
  const d = cell?.decision ?? t.defaults.get(local);
  return d?.kind === 'drop' ? d.target : undefined;
}
