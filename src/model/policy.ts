// A policy in the IR: which endpoints it applies to (subject), in which tier and order,
// and its rules per direction. Every dialect compiles to this shape.
import type { NamespaceScope } from './peer.ts';
import type { Rule } from './rule.ts';
import type { Selector } from './selector.ts';

/** Where a policy came from, for traces and errors. */
export interface PolicyRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** The endpoints a policy applies to. */
export interface Subject {
  readonly namespaces: NamespaceScope;
  readonly pods: Selector;
}

export type Direction = 'ingress' | 'egress';

export interface DirectionRules {
  /**
   * Whether selecting an endpoint isolates it in this direction (it then falls to the
   * tier's no-match action). Kubernetes: true for each of policyTypes. Cilium with
   * enableDefaultDeny false: false (rules only add allows).
   */
  readonly isolates: boolean;
  readonly rules: readonly Rule[];
}

export interface Policy {
  /** Unique and stable: `apiVersion/kind/namespace/name` (namespace omitted when cluster-scoped). */
  readonly id: string;
  readonly ref: PolicyRef;
  /** Name of a Tier in the PolicySet. */
  readonly tier: string;
  /** Ascending within the tier; ties are broken by id. */
  readonly order: number;
  readonly subject: Subject;
  /** Present only when the policy applies to that direction. */
  readonly ingress?: DirectionRules;
  readonly egress?: DirectionRules;
  /** Staged policies are evaluated and reported but never enforced. */
  readonly staged: boolean;
}

export function policyId(ref: PolicyRef): string {
  return ref.namespace === undefined
    ? `${ref.apiVersion}/${ref.kind}/${ref.name}`
    : `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Dialects whose kind names Kubernetes' own kinds also use, by API group. */
const DIALECT_OF_GROUP: Readonly<Record<string, string>> = { 'projectcalico.org': 'Calico' };

/**
 * Short human name: `NetworkPolicy demo/p`, `ClusterNetworkPolicy deny-all`. A kind that
 * networking.k8s.io also has is named with its dialect (`Calico NetworkPolicy demo/p`), so
 * explanations, reports and drop logs never leave the reader guessing which one decided.
 */
export function policyDisplayName(ref: PolicyRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  const kind = ref.kind === 'NetworkPolicy' && group !== 'networking.k8s.io' && group !== '' ? `${DIALECT_OF_GROUP[group] ?? group} ${ref.kind}` : ref.kind;
  return ref.namespace === undefined ? `${kind} ${ref.name}` : `${kind} ${ref.namespace}/${ref.name}`;
}
