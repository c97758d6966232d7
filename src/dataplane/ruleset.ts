// The typed model of one node's nftables table (`inet palisade`), as plan() builds it and
// render()/delta()/walkPacket() read it. Addresses map to numeric identities (classes of
// addresses no policy can tell apart); two verdict maps per direction hold the decisions
// keyed by local identity . remote identity . protocol . port range. Rules never grow
// with the cluster: only these elements do.
import type { IpFamily } from '../model/ip.ts';
import type { Protocol } from '../model/protocol.ts';

export const TABLE_NAME = 'palisade';

/** What a side decides for a new connection: let it through, or drop it into a policy's drop chain. */
export type Decision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'drop'; readonly target: number };

export const ALLOW: Decision = Object.freeze({ kind: 'allow' });

/** One exact address (a pod's or a node's) and its identity. */
export interface AddressIdentity {
  readonly family: IpFamily;
  /** Canonical text. */
  readonly ip: string;
  readonly identity: number;
}

/** A block of addresses outside every pod and node, between CIDR boundaries of the policies. */
export interface RegionIdentity {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly identity: number;
}

/** A port range of one protocol between a local and a remote identity whose decision differs from the local default. */
export interface DecisionCell {
  readonly local: number;
  readonly remote: number;
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly decision: Decision;
}

/**
 * One local identity's decisions in one direction: its defaults and the cells that differ.
 * plan() hands back the very same row object when nothing it depends on changed, so a
 * consumer may skip a row that is `===` the previous plan's (delta.ts does).
 */
export interface DecisionRow {
  readonly local: number;
  readonly default: Decision;
  readonly cells: readonly DecisionCell[];
  readonly nonPortDefault: Decision;
  readonly nonPortCells: readonly NonPortCell[];
}

export interface DirectionTable {
  /** The rows the flattened fields below are made of, sorted by local identity. */
  readonly rows: readonly DecisionRow[];
  /** For every local identity: the decision of every cell not listed in `cells`. */
  readonly defaults: ReadonlyMap<number, Decision>;
  /** Sorted by (local, remote, protocol, fromPort). */
  readonly cells: readonly DecisionCell[];
  /** Protocols without ports (ICMP, ...): per local identity the default, and the remotes that differ (non-port.ts). */
  readonly nonPortDefaults: ReadonlyMap<number, Decision>;
  readonly nonPortCells: readonly NonPortCell[];
}

export interface NonPortCell {
  readonly local: number;
  readonly remote: number;
  readonly decision: Decision;
}

/** A policy's drop chain: counter, rate-limited log line naming the policy, drop. */
export interface DropTarget {
  readonly index: number;
  /** Policy id of the policy whose decision drops. */
  readonly key: string;
  /** Human name in the log prefix. */
  readonly label: string;
}

/** Numbering kept from one plan to the next, so a surviving class keeps its number. */
export interface Numbering {
  /** Identity signature → identity number. */
  readonly identities: ReadonlyMap<string, number>;
  readonly nextIdentity: number;
  /** Drop-target key → index. */
  readonly dropTargets: ReadonlyMap<string, number>;
  readonly nextDropTarget: number;
}

export interface Ruleset {
  readonly node: string;
  /** Sorted by (family, address). */
  readonly addresses: readonly AddressIdentity[];
  /** Sorted by (family, first); per family they cover the whole address space without overlap. */
  readonly regions: readonly RegionIdentity[];
  /** Addresses of this node's (non host-network) pods, sorted. */
  readonly local: readonly AddressIdentity[];
  readonly dropTargets: readonly DropTarget[];
  readonly egress: DirectionTable;
  readonly ingress: DirectionTable;
  readonly numbering: Numbering;
}
