// A pure interpreter of the rendered table: what the kernel would do with the first packet
// of a new connection at one hook of this node. It reads the same elements render() and
// delta() write (layout.ts) and follows the fixed chains (render.ts): jumps for local
// addresses in a direction's checked set, the remote's identity into the conntrack mark
// (region, then exact address), the port's class ORed in (the class map's jump to the
// class's chain, or to the per-bit rules for large classes), one exact lookup by local
// address and mark, then the address's defaults. So tests that compare it with
// evaluate() check the layout, not just the plan. `forward` is the only hook filtered;
// `input` and `output` carry the traffic between pods and their own node, which is
// always allowed.
import { parseIp } from '../model/ip.ts';
import type { IpFamily } from '../model/ip.ts';
import type { Protocol } from '../model/protocol.ts';
import { addressDecisions, CLASS_BITS, cellKey, classBitMark, classChainName, DIRECT_CLASSES, identityMark, IDENTITY_LIMIT, isChecked, portBitRuns, portClassElements, portClasses } from './layout.ts';
import type { Direction, PortClasses } from './layout.ts';
import type { Ruleset } from './ruleset.ts';

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

/** `ct mark set ADDR map @regionF`: the region element holding the address. */
function regionLookup(r: Ruleset, family: IpFamily, value: bigint): number | undefined {
  const g = r.regions.find((x) => x.family === family && x.first <= value && value <= x.last);
  return g === undefined ? undefined : identityMark(g.identity);
}

/** `ct mark set ADDR map @addrF`: the exact element, if any. */
function addrLookup(r: Ruleset, ip: string): number | undefined {
  const a = r.addresses.find((x) => x.ip === ip);
  return a === undefined ? undefined : identityMark(a.identity);
}

/** The identity the two mark-setting rules leave: the exact address's, else its region's. */
export function identityOf(r: Ruleset, ip: string): number | undefined {
  const a = parseIp(ip);
  if (a === undefined) return undefined;
  return addrLookup(r, ip) ?? regionLookup(r, a.family, a.value);
}

/** A verdict element's text: undefined for `return` (the check lets it through), else the drop chain's index. */
function verdictOf(text: string): number | undefined {
  if (text === 'return') return undefined;
  const m = /^goto drop_(\d+)$/.exec(text);
  if (m === null) throw new Error(`unexpected verdict ${JSON.stringify(text)} in the table`);
  return Number(m[1]);
}

export function walkPacket(r: Ruleset, p: Packet): WalkResult {
  const src = parseIp(p.src);
  const dst = parseIp(p.dst);
  if (src === undefined || dst === undefined || src.family !== dst.family) throw new Error(`packet ${p.src} -> ${p.dst} mixes or lacks address families`);
  const family = src.family;
  const checked: Array<'egress' | 'ingress'> = [];
  // The table hooks only `forward`: packets between a pod and its own node (input/output)
  // are never filtered, as Kubernetes always allows that traffic.
  if ((p.hook ?? 'forward') !== 'forward') return { verdict: 'accept', checked };
  let pc: PortClasses | undefined;
  // The conntrack mark of a new connection starts at 0 and carries over from the egress
  // check into the ingress check (a region miss would leave it).
  let ctMark = 0;

  const inRuns = (runs: ReadonlyArray<readonly [number, number]>, port: number): boolean => runs.some(([first, last]) => first <= port && port <= last);
  const decisionsOf = (dir: Direction, localIp: string): ReturnType<typeof addressDecisions> | undefined => {
    const local = r.local.find((a) => a.ip === localIp);
    if (local === undefined) return undefined;
    pc ??= portClasses(r);
    return addressDecisions(r[dir].rows.find((row) => row.local === local.identity), localIp, pc);
  };
  // `ip saddr @egress_local4 jump egress_check4`: only addresses whose decisions are not allow-all.
  const checkedIn = (dir: Direction, ip: string): ReturnType<typeof addressDecisions> | undefined => {
    const d = decisionsOf(dir, ip);
    return d !== undefined && isChecked(d) ? d : undefined;
  };

  const check = (d: ReturnType<typeof addressDecisions>, localIp: string, remoteIp: string, remoteValue: bigint): number | undefined => {
    ctMark = regionLookup(r, family, remoteValue) ?? ctMark;
    ctMark = addrLookup(r, remoteIp) ?? ctMark;
    pc ??= portClasses(r);
    if (p.protocol !== 'other') {
      // `tcp dport vmap @tcp_port_class`: the element holding the port says where to jump.
      const el = portClassElements(pc, p.protocol).find(([range]) => {
        const [first, last = first] = range.split('-').map(Number);
        return (first ?? -1) <= p.port && p.port <= (last ?? -1);
      });
      const target = el?.[1];
      const direct = Array.from({ length: DIRECT_CLASSES - 1 }, (_, k) => k + 1).find((c) => target === `jump ${classChainName(c)}`);
      // `ct mark set ct mark | X` on the 32-bit mark.
      const orIn = (bits: number): void => {
        ctMark = (ctMark | bits) >>> 0;
      };
      if (direct !== undefined) orIn(direct * IDENTITY_LIMIT);
      else if (target !== undefined) {
        for (let b = 0; b < CLASS_BITS; b++) {
          if (inRuns(portBitRuns(pc, p.protocol, b), p.port)) orIn(classBitMark(b));
        }
      }
    }
    const key = cellKey(localIp, ctMark);
    const cell = d.cells.find(([k]) => k === key);
    if (cell !== undefined) return verdictOf(cell[1]);
    if (p.protocol !== 'other') return d.default === undefined ? undefined : verdictOf(d.default);
    return d.nonPortDefault === undefined ? undefined : verdictOf(d.nonPortDefault);
  };

  const egress = checkedIn('egress', p.src);
  if (egress !== undefined) {
    checked.push('egress');
    const t = check(egress, p.src, p.dst, dst.value);
    if (t !== undefined) return { verdict: 'drop', target: t, checked };
  }
  const ingress = checkedIn('ingress', p.dst);
  if (ingress !== undefined) {
    checked.push('ingress');
    const t = check(ingress, p.dst, p.src, src.value);
    if (t !== undefined) return { verdict: 'drop', target: t, checked };
  }
  return { verdict: 'accept', checked };
}
