// Compiles a validated ClusterNetworkPolicy (or a v1alpha1 AdminNetworkPolicy /
// BaselineAdminNetworkPolicy read into the same form) into the IR: the admin or baseline
// tier, order = priority, rules in written order with their names. A CNP only speaks
// about its listed peers (upstream: "CNPs with no ingress rules do not affect ingress
// traffic"), so selecting a pod never isolates it: `isolates: false`.
import type { Peer } from '../../model/peer.ts';
import type { DirectionRules, Policy, PolicyRef } from '../../model/policy.ts';
import { policyId } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Action, Rule } from '../../model/rule.ts';
import { ADMIN_TIER, BASELINE_TIER } from '../../model/tier.ts';
import type { KindHandler } from '../dialect.ts';
import { childPath } from '../validation/field-path.ts';
import type { ClusterNetworkPolicy, CnpAction, CnpPeer, CnpProtocol, CnpRule } from './cluster-network-policy.ts';
import { CNP_API_VERSION, CNP_KIND, readClusterNetworkPolicy } from './cluster-network-policy.ts';

const ACTION: Readonly<Record<CnpAction, Action>> = { Accept: 'allow', Deny: 'deny', Pass: 'pass' };

export function clusterNetworkPolicyToPolicy(cnp: ClusterNetworkPolicy): Policy {
  const ref: PolicyRef = { apiVersion: cnp.apiVersion, kind: cnp.kind, name: cnp.metadata.name };
  const direction = (rules: readonly CnpRule[]): DirectionRules => ({ isolates: false, rules: rules.map(toRule) });
  return {
    id: policyId(ref),
    ref,
    tier: cnp.tier === 'Admin' ? ADMIN_TIER.name : BASELINE_TIER.name,
    order: cnp.priority,
    subject: { namespaces: { kind: 'selector', selector: cnp.subject.namespaces }, pods: cnp.subject.pods },
    ...(cnp.ingress.length > 0 ? { ingress: direction(cnp.ingress) } : {}),
    ...(cnp.egress.length > 0 ? { egress: direction(cnp.egress) } : {}),
    staged: false,
  };
}

function toRule(rule: CnpRule, index: number): Rule {
  return {
    index,
    path: rule.path,
    ...(rule.name === undefined ? {} : { name: rule.name }),
    action: ACTION[rule.action],
    peers: rule.peers.flatMap(toPeers),
    ports: rule.protocols === undefined ? null : rule.protocols.map(toPortMatch),
  };
}

function toPeers(peer: CnpPeer): Peer[] {
  switch (peer.kind) {
    case 'pods':
      return [{ kind: 'pods', path: peer.path, namespaces: { kind: 'selector', selector: peer.namespaces }, pods: peer.pods }];
    case 'nodes':
      return [{ kind: 'nodes', path: childPath(peer.path, 'nodes'), selector: peer.selector }];
    case 'networks':
      // "cluster-internal traffic will be checked against the rule as well": pod IPs count.
      return peer.cidrs.map((c) => ({ kind: 'cidr', path: c.path, cidr: c.cidr, except: [], matchesPods: true }));
    case 'domainNames':
      return peer.names.map((n) => ({ kind: 'fqdn', path: n.path, pattern: n.name }));
  }
}

function toPortMatch(p: CnpProtocol): PortMatch {
  if (p.namedPort !== undefined) return { protocol: null, ports: { kind: 'named', name: p.namedPort }, path: p.path };
  return { protocol: p.protocol, ports: p.range === undefined ? null : { kind: 'range', from: p.range.from, to: p.range.to }, path: p.path };
}

/** The dispatch-table entry for policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy. */
export const clusterNetworkPolicyHandler: KindHandler = {
  apiVersion: CNP_API_VERSION,
  kind: CNP_KIND,
  decode(obj, issues) {
    const cnp = readClusterNetworkPolicy(obj, issues);
    if (cnp === undefined) return { objects: [] };
    return { name: cnp.metadata.name, objects: [{ type: 'policy', policy: clusterNetworkPolicyToPolicy(cnp) }] };
  },
};
