// One rule of a policy in one direction: an action applied to flows whose remote peer
// and destination port match. The IR keeps "any" (null) and "nothing" ([]) apart,
// because dialects differ: Kubernetes `from: []` means any peer, Cilium `ingress: [{}]`
// means none.
import type { Peer } from './peer.ts';
import type { PortMatch } from './port-match.ts';

/**
 * - allow / deny: final for this direction.
 * - pass: skip the rest of this tier, continue with the next tier.
 * - log: record the match in the trace and continue with the next rule.
 */
export type Action = 'allow' | 'deny' | 'pass' | 'log';

/** Layer-7 rules are kept and shown, but not enforced yet; the engine says so. */
export interface L7Rules {
  readonly protocol: 'http' | 'dns' | 'kafka' | 'other';
  readonly summary: string;
}

export interface Rule {
  /** Position in the source policy's rule list for this direction. */
  readonly index: number;
  /** Field path in the source object, e.g. `spec.ingress[2]`. */
  readonly path: string;
  /** Optional rule name (ClusterNetworkPolicy rules have one). */
  readonly name?: string;
  readonly action: Action;
  /** null: any peer; []: no peer at all. Peers are ORed. */
  readonly peers: readonly Peer[] | null;
  /** The rule does not match if the peer matches any of these (Calico notNets/notSelector). */
  readonly notPeers?: readonly Peer[];
  /** null: any port and protocol. Entries are ORed. */
  readonly ports: readonly PortMatch[] | null;
  /** The rule does not match if the port matches any of these (Calico notPorts/notProtocol). */
  readonly notPorts?: readonly PortMatch[];
  readonly l7?: L7Rules;
}
