// Compiles a validated Kubernetes NetworkPolicy into the IR: default tier, order 1000,
// an isolating rule set per policy type, allow rules whose peers and ports keep their
// field paths. Absent or empty from/to/ports mean "any" (null in the IR).
import type { Peer } from '../../model/peer.ts';
import type { Direction, DirectionRules, Policy, PolicyRef } from '../../model/policy.ts';
import { policyId } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Rule } from '../../model/rule.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import { DEFAULT_TIER, K8S_POLICY_ORDER } from '../../model/tier.ts';
import type { KindHandler } from '../dialect.ts';
import { toSelector } from './label-selector.ts';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule } from './network-policy.ts';
import { readNetworkPolicy } from './network-policy.ts';

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';

export function networkPolicyToPolicy(np: NetworkPolicy): Policy {
  const ns = np.metadata.namespace;
  const ref: PolicyRef = { apiVersion: NETWORK_POLICY_API_VERSION, kind: 'NetworkPolicy', namespace: ns, name: np.metadata.name };
  const direction = (dir: Direction, rules: readonly NetworkPolicyRule[]): DirectionRules => ({
    isolates: true,
    rules: rules.map((r, i) => toRule(dir, r, i, ns)),
  });
  return {
    id: policyId(ref),
    ref,
    tier: DEFAULT_TIER.name,
    order: K8S_POLICY_ORDER,
    subject: { namespaces: { kind: 'names', names: [ns] }, pods: toSelector(np.podSelector) },
    ...(np.policyTypes.includes('Ingress') ? { ingress: direction('ingress', np.ingress) } : {}),
    ...(np.policyTypes.includes('Egress') ? { egress: direction('egress', np.egress) } : {}),
    staged: false,
  };
}

function toRule(dir: Direction, rule: NetworkPolicyRule, index: number, ns: string): Rule {
  const path = `spec.${dir}[${index}]`;
  const peerField = dir === 'ingress' ? 'from' : 'to';
  const peers = rule.peers === undefined || rule.peers.length === 0
    ? null
    : rule.peers.map((p, j) => toPeer(p, `${path}.${peerField}[${j}]`, ns));
  const ports = rule.ports === undefined || rule.ports.length === 0
    ? null
    : rule.ports.map((p, j) => toPortMatch(p, `${path}.ports[${j}]`));
  return { index, path, action: 'allow', peers, ports };
}

function toPeer(peer: NetworkPolicyPeer, path: string, ns: string): Peer {
  if (peer.ipBlock !== undefined) {
    return { kind: 'cidr', path, cidr: peer.ipBlock.cidr, except: peer.ipBlock.except, matchesPods: true };
  }
  if (peer.namespaceSelector === undefined) {
    // A pod selector alone means pods of the policy's own namespace.
    return { kind: 'pods', path, namespaces: { kind: 'names', names: [ns] }, pods: toSelector(peer.podSelector ?? { matchLabels: {}, matchExpressions: [] }) };
  }
  return {
    kind: 'pods',
    path,
    namespaces: { kind: 'selector', selector: toSelector(peer.namespaceSelector) },
    pods: peer.podSelector === undefined ? SELECT_ALL : toSelector(peer.podSelector),
  };
}

export function toPortMatch(port: NetworkPolicyPort, path: string): PortMatch {
  if (port.port === undefined) return { protocol: port.protocol, ports: null, path };
  if (typeof port.port === 'string') return { protocol: port.protocol, ports: { kind: 'named', name: port.port }, path };
  return { protocol: port.protocol, ports: { kind: 'range', from: port.port, to: port.endPort ?? port.port }, path };
}

/** The dispatch-table entry for networking.k8s.io/v1 NetworkPolicy. */
export const networkPolicyHandler: KindHandler = {
  apiVersion: NETWORK_POLICY_API_VERSION,
  kind: 'NetworkPolicy',
  decode(obj, issues) {
    const np = readNetworkPolicy(obj, issues);
    if (np === undefined) return { objects: [] };
    return { name: np.metadata.name, namespace: np.metadata.namespace, objects: [{ type: 'policy', policy: networkPolicyToPolicy(np) }] };
  },
};
