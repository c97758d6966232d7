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

/** One address whose identity differs between two address lists; undefined: not in that list. */
export interface AddressChange {
  readonly family: IpFamily;
  /** Canonical text. */
  readonly ip: string;
  readonly before: number | undefined;
  readonly after: number | undefined;
}

/**
 * Where a plan's address list came from, so delta() can diff a plan against the plan
 * before it by the addresses that changed instead of merging two lists of every pod.
 * `version` names the list (the same name: the same list); `from`, when set, names the
 * list it was made from, and `changes` are exactly the addresses that differ from that
 * one, sorted by (family, address).
 */
export interface AddressLineage {
  readonly version: symbol;
  readonly from?: symbol;
  readonly changes?: readonly AddressChange[];
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
  /** The port classes of the plan (layout.ts assignPortClasses): the next plan's hint, so surviving segments keep their numbers. */
  readonly portClasses?: PortClasses;
}

/** A segment of one protocol's port space whose ports no cell tells apart, and its class number. */
export interface PortSegment {
  readonly first: number;
  readonly last: number;
  /** 1..4095. */
  readonly cls: number;
}

/** Per protocol, segments in port order covering 0..65535 (one whole-range segment for a protocol no cell names). */
export type PortClasses = Readonly<Record<Protocol, readonly PortSegment[]>>;

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
  /**
   * The port classes of the cells as the planner numbered them (layout.ts
   * assignPortClasses, hinted by its previous plan so surviving segments keep their
   * numbers); absent: layout numbers them from scratch.
   */
  readonly classes?: PortClasses;
  /**
   * The planner's account of `addresses` (plan.ts sets it NON-enumerable, so a ruleset
   * copied with `{ ...r, addresses }` drops it instead of lying); absent: delta() merges
   * the two address lists. Whoever sets it must keep it true of `addresses`.
   */
  readonly addressLineage?: AddressLineage;
}
