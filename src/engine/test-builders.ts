// Small builders of IR objects for engine tests: terse pods, policies and rules, with
// field paths filled in the way api/ would (spec.ingress[i].from[j], .ports[k]).
import type { Cluster, ContainerPort, Namespace, NetworkSet, Node, Pod, Service } from '../model/cluster.ts';
import type { Labels } from '../model/labels.ts';
import type { Entity, NamespaceScope, Peer } from '../model/peer.ts';
import { policyId } from '../model/policy.ts';
import type { DirectionRules, Policy, PolicyRef } from '../model/policy.ts';
import type { PortMatch, PortSpec } from '../model/port-match.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Action, L7Rules, Rule } from '../model/rule.ts';
import { SELECT_ALL } from '../model/selector.ts';
import type { Selector } from '../model/selector.ts';
import { DEFAULT_TIER, K8S_POLICY_ORDER, STANDARD_TIERS } from '../model/tier.ts';
import type { PolicySet, Tier } from '../model/tier.ts';
import type { Flow, FlowEndpoint } from './flow.ts';

/** `{app: 'x'}` → `in` requirements ANDed (k8s matchLabels); `{}` → all. */
export function labelsSel(labels: Labels): Selector {
  const of: Selector[] = Object.entries(labels).map(([key, v]) => ({ op: 'in', key, values: [v] }));
  return of.length === 0 ? SELECT_ALL : of.length === 1 ? (of[0] ?? SELECT_ALL) : { op: 'and', of };
}

export function ns(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

export interface PodOptions {
  readonly hostNetwork?: boolean;
  readonly node?: string;
  readonly ports?: readonly ContainerPort[];
}

export function pod(key: string, labels: Labels, ips: readonly string[], opts: PodOptions = {}): Pod {
  const [namespace = '', name = ''] = key.split('/');
  return {
    key, namespace, name, labels, ips, hostNetwork: opts.hostNetwork ?? false, ports: opts.ports ?? [],
    ...(opts.node === undefined ? {} : { node: opts.node }),
  };
}

export function node(name: string, labels: Labels, ips: readonly string[], podCIDRs: readonly string[] = []): Node {
  return { name, labels, ips, podCIDRs };
}

export function networkSet(key: string, labels: Labels, nets: readonly string[]): NetworkSet {
  const parts = key.split('/');
  return parts.length === 2
    ? { key, namespace: parts[0] ?? '', name: parts[1] ?? '', labels, nets, domains: [] }
    : { key, name: key, labels, nets, domains: [] };
}

/** A ClusterIP Service on port 80; `selector` undefined: a Service without a selector. */
export function service(key: string, labels: Labels, selector: Labels | undefined): Service {
  const [namespace = '', name = ''] = key.split('/');
  return {
    key, namespace, name, labels, clusterIPs: [], ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    ...(selector === undefined ? {} : { selector }),
  };
}

/** Namespaces not listed are added from the pods' namespaces. */
export function cluster(parts: { pods: readonly Pod[]; namespaces?: readonly Namespace[]; nodes?: readonly Node[]; networkSets?: readonly NetworkSet[]; services?: readonly Service[] }): Cluster {
  const namespaces = [...(parts.namespaces ?? [])];
  for (const p of parts.pods) if (!namespaces.some((n) => n.name === p.namespace)) namespaces.push(ns(p.namespace));
  return { namespaces, pods: parts.pods, nodes: parts.nodes ?? [], services: parts.services ?? [], networkSets: parts.networkSets ?? [] };
}

// Peers and ports get their paths when a policy is built.
export function podsPeer(namespaces: NamespaceScope | string, pods: Selector | Labels = SELECT_ALL): Peer {
  const scope: NamespaceScope = typeof namespaces === 'string' ? { kind: 'names', names: [namespaces] } : namespaces;
  return { kind: 'pods', namespaces: scope, pods: isSelector(pods) ? pods : labelsSel(pods), path: '' };
}

export function nsSel(labels: Labels | Selector): NamespaceScope {
  return { kind: 'selector', selector: isSelector(labels) ? labels : labelsSel(labels) };
}

/** `matchesNodes` undefined leaves the field out (node addresses count). */
export function cidrPeer(cidr: string, except: readonly string[] = [], matchesPods = true, matchesNodes?: boolean): Peer {
  return { kind: 'cidr', cidr, except, matchesPods, ...(matchesNodes === undefined ? {} : { matchesNodes }), path: '' };
}

export function entityPeer(entity: Entity): Peer {
  return { kind: 'entity', entity, path: '' };
}

export function nodesPeer(selector: Selector | Labels): Peer {
  return { kind: 'nodes', selector: isSelector(selector) ? selector : labelsSel(selector), path: '' };
}

export function setsPeer(namespaces: NamespaceScope | null, selector: Selector | Labels): Peer {
  return { kind: 'networkSets', namespaces, selector: isSelector(selector) ? selector : labelsSel(selector), path: '' };
}

/** Cilium toServices: by `name` (k8sService) or a Service label selector (k8sServiceSelector). */
export function servicePeer(namespace: string | null, by: { name: string } | { selector: Selector | Labels }): Peer {
  return 'name' in by
    ? { kind: 'service', namespace, name: by.name, path: '' }
    : { kind: 'service', namespace, selector: isSelector(by.selector) ? by.selector : labelsSel(by.selector), path: '' };
}

export function fqdnPeer(pattern: string): Peer {
  return { kind: 'fqdn', pattern, path: '' };
}

export function port(protocol: Protocol | null, p?: number | string, endPort?: number): PortMatch {
  let ports: PortSpec | null = null;
  if (typeof p === 'string') ports = { kind: 'named', name: p };
  else if (p !== undefined) ports = { kind: 'range', from: p, to: endPort ?? p };
  return { protocol, ports, path: '' };
}

export interface RuleSpec {
  readonly action?: Action;
  readonly peers?: readonly Peer[] | null;
  readonly notPeers?: readonly Peer[];
  readonly ports?: readonly PortMatch[] | null;
  readonly notPorts?: readonly PortMatch[];
  readonly name?: string;
  readonly l7?: L7Rules;
}

function isSelector(x: Selector | Labels): x is Selector {
  return typeof (x as { op?: unknown }).op === 'string' && Object.keys(x).every((k) => ['op', 'of', 'key', 'values', 'value'].includes(k));
}

function buildRules(specs: readonly RuleSpec[], dir: 'ingress' | 'egress'): Rule[] {
  const peerField = dir === 'ingress' ? 'from' : 'to';
  return specs.map((s, i) => {
    const path = `spec.${dir}[${i}]`;
    const rule: Rule = {
      index: i, path, action: s.action ?? 'allow',
      peers: s.peers === undefined || s.peers === null ? null : s.peers.map((p, j) => ({ ...p, path: `${path}.${peerField}[${j}]` })),
      ports: s.ports === undefined || s.ports === null ? null : s.ports.map((p, j) => ({ ...p, path: `${path}.ports[${j}]` })),
      ...(s.notPeers === undefined ? {} : { notPeers: s.notPeers.map((p, j) => ({ ...p, path: `${path}.not${peerField}[${j}]` })) }),
      ...(s.notPorts === undefined ? {} : { notPorts: s.notPorts.map((p, j) => ({ ...p, path: `${path}.notPorts[${j}]` })) }),
      ...(s.name === undefined ? {} : { name: s.name }),
      ...(s.l7 === undefined ? {} : { l7: s.l7 }),
    };
    return rule;
  });
}

export interface PolicySpec {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly tier?: string;
  readonly order?: number;
  /** Subject: pods selector; namespaces default to [namespace] or all namespaces if cluster-scoped. */
  readonly pods?: Selector | Labels;
  readonly namespaces?: NamespaceScope;
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
  /** Whether selection isolates (default true). */
  readonly isolates?: boolean;
  readonly staged?: boolean;
}

export function policy(s: PolicySpec): Policy {
  const ref: PolicyRef = {
    apiVersion: s.apiVersion ?? 'networking.k8s.io/v1', kind: s.kind ?? 'NetworkPolicy', name: s.name,
    ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
  };
  const dir = (rules: readonly RuleSpec[] | undefined, d: 'ingress' | 'egress'): DirectionRules | undefined =>
    rules === undefined ? undefined : { isolates: s.isolates ?? true, rules: buildRules(rules, d) };
  const ingress = dir(s.ingress, 'ingress');
  const egress = dir(s.egress, 'egress');
  const pods = s.pods ?? SELECT_ALL;
  return {
    id: policyId(ref), ref, tier: s.tier ?? DEFAULT_TIER.name, order: s.order ?? K8S_POLICY_ORDER,
    subject: {
      namespaces: s.namespaces ?? (s.namespace === undefined ? { kind: 'selector', selector: SELECT_ALL } : { kind: 'names', names: [s.namespace] }),
      pods: isSelector(pods) ? pods : labelsSel(pods),
    },
    staged: s.staged ?? false,
    ...(ingress === undefined ? {} : { ingress }),
    ...(egress === undefined ? {} : { egress }),
  };
}

export function policySet(policies: readonly Policy[], tiers: readonly Tier[] = STANDARD_TIERS): PolicySet {
  return { tiers, policies };
}

function endpoint(e: string): FlowEndpoint {
  return e.includes('/') ? { kind: 'pod', pod: e } : { kind: 'ip', ip: e };
}

/** `flow('x/a', 'y/b', 80)`: strings with a slash are pods, others addresses. */
export function flow(src: string, dst: string, p: number, protocol: Protocol = 'TCP'): Flow {
  return { src: endpoint(src), dst: endpoint(dst), port: p, protocol };
}
