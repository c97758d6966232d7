// Ordered tiers of DESIGN.md "Semantics". Within a tier, policies are walked by order
// and rules in sequence; the first allow/deny decides, pass jumps to the next tier.
// What happens when no rule matches is the tier's `onNoMatch`.
import type { Policy } from './policy.ts';

export interface Tier {
  readonly name: string;
  /** Ascending: lower orders are evaluated first. */
  readonly order: number;
  /**
   * - next: go on to the next tier (admin tier, Calico tiers with defaultAction Pass, baseline).
   * - deny-if-selected: deny if any isolating policy of this tier selected the endpoint
   *   in this direction, else go on (Kubernetes NetworkPolicy, Calico defaultAction Deny).
   * After the last tier, the flow is allowed (Kubernetes' default).
   */
  readonly onNoMatch: 'next' | 'deny-if-selected';
}

export const ADMIN_TIER: Tier = Object.freeze({ name: 'admin', order: 1_000, onNoMatch: 'next' });
export const DEFAULT_TIER: Tier = Object.freeze({ name: 'default', order: 1_000_000, onNoMatch: 'deny-if-selected' });
export const BASELINE_TIER: Tier = Object.freeze({ name: 'baseline', order: 10_000_000, onNoMatch: 'next' });

/** Order of Kubernetes NetworkPolicies inside the default tier, as Calico places them. */
export const K8S_POLICY_ORDER = 1000;

export interface PolicySet {
  readonly tiers: readonly Tier[];
  readonly policies: readonly Policy[];
}

export const STANDARD_TIERS: readonly Tier[] = [ADMIN_TIER, DEFAULT_TIER, BASELINE_TIER];
