// What the engine says about a flow: allowed or not, and for each direction which tier,
// policy and rule decided, or why nothing did. This is the `eval -o json` contract.
import type { Direction, PolicyRef } from '../model/policy.ts';
import type { Action } from '../model/rule.ts';
import type { Flow } from './flow.ts';

/** A rule that matched the flow. */
export interface RuleMatch {
  readonly tier: string;
  readonly policyId: string;
  readonly policy: PolicyRef;
  readonly ruleIndex: number;
  /** e.g. `spec.ingress[0]` */
  readonly rulePath: string;
  readonly ruleName?: string;
  readonly action: Action;
  /** Field path of the peer that matched; absent when the rule admits any peer. */
  readonly peerPath?: string;
  /** Field path of the port entry that matched; absent when the rule admits any port. */
  readonly portPath?: string;
}

export type TierOutcome =
  | 'not-selected'   // no policy of this tier applies to the endpoint in this direction
  | 'allow' | 'deny' | 'pass'
  | 'no-match-next'  // selected, nothing matched, tier goes on to the next
  | 'no-match-deny'; // selected by an isolating policy, nothing matched: denied

export interface TierTrace {
  readonly tier: string;
  /** Policies of this tier that select the endpoint in this direction, in evaluation order. */
  readonly selectedBy: readonly PolicyRef[];
  /** Rules that matched, in order (log matches, then the deciding one if any). */
  readonly matches: readonly RuleMatch[];
  readonly outcome: TierOutcome;
}

export type DirectionReason =
  | 'not-a-pod'      // this side is an address outside the cluster's pods: nothing to consult
  | 'host-network'   // host-network pods are never selected by policies
  | 'loopback'       // a pod talking to itself never leaves it
  | 'own-node'       // traffic between a pod and the node it runs on is always allowed (Kubernetes docs)
  | 'not-selected'   // no policy selects the endpoint in this direction: allowed
  | 'rule'           // a rule decided
  | 'tier-default'   // selected, no rule matched: the tier's default denied
  | 'end-of-tiers';  // selected somewhere, every tier passed/fell through: allowed

export interface DirectionVerdict {
  readonly direction: Direction;
  /** The pod whose policies decide this side (source for egress, destination for ingress). */
  readonly endpoint: string | null;
  readonly allowed: boolean;
  readonly reason: DirectionReason;
  readonly decidedBy?: RuleMatch;
  readonly tiers: readonly TierTrace[];
  /** One sentence, e.g. "selected by NetworkPolicy x/default-deny-all; no ingress rule admits x/a". */
  readonly message: string;
}

export interface Verdict {
  readonly flow: Flow;
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** Notes that qualify the verdict, e.g. an L7 rule that is not enforced. */
  readonly notes: readonly string[];
  /**
   * What the verdict would be with the staged policies enforced (each replacing the
   * enforced policy of the same tier, namespace and name). Present only when the policy
   * set has staged policies.
   */
  readonly staged?: { readonly allowed: boolean; readonly egress: DirectionVerdict; readonly ingress: DirectionVerdict };
}
