// IR policies → CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (cilium.io/v2,
// https://docs.cilium.io/en/stable/network/kubernetes/policy/ and .../policy/language/).
// Only the default tier maps (deny rules beat allows there); tiers and pass are reported.
// Cilium CIDR rules never match pod IPs, so an ipBlock that covers pods of the snapshot
// needs endpoint selectors: added when it covers every pod, reported otherwise. Nor node
// addresses, unless the target agent runs with policy-cidr-match-mode=nodes (`agent`).
import type { Cluster } from '../../model/cluster.ts';
import type { NamespaceScope, Peer } from '../../model/peer.ts';
import type { Policy } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Rule } from '../../model/rule.ts';
import type { Selector } from '../../model/selector.ts';
import { SELECT_ALL } from '../../model/selector.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { CiliumAgentOptions } from '../cilium/cilium-policy.ts';
import type { ConversionNote, ConversionOutput, Manifest } from './limitations.ts';
import { LIMITS } from './limitations.ts';
import type { LabelSelectorOut, NameRegistry } from './convert-support.ts';
import {
  NAMESPACE_NAME_LABEL, PolicyNotes, annotate, nodesInCidr, outputName, podsInCidr, scopeSelector, toLabelSelector, convertEach
} from './convert-support.ts';

const L = LIMITS.cilium;
const API = 'cilium.io/v2';
const POD_NAMESPACE = 'k8s:io.kubernetes.pod.namespace';
const NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';
/** Order the Cilium decoder gives deny rules (-Number.MAX_VALUE): they come first in the default tier. */
const CILIUM_DENY_ORDER = -Number.MAX_VALUE;

/** Namespace requirements as Cilium endpoint-selector keys; undefined when not expressible. */
function namespaceSelector(scope: NamespaceScope): LabelSelectorOut | undefined {
  const ls = toLabelSelector(scopeSelector(scope));
  if (ls === undefined) return undefined;
  const key = (k: string): string => (k === NAMESPACE_NAME_LABEL ? POD_NAMESPACE : `${NAMESPACE_LABELS}${k}`);
  const out: LabelSelectorOut = {};
  if (ls.matchLabels !== undefined) out.matchLabels = Object.fromEntries(Object.entries(ls.matchLabels).map(([k, v]) => [key(k), v]));
  if (ls.matchExpressions !== undefined) out.matchExpressions = ls.matchExpressions.map((e) => ({ ...e, key: key(e.key) }));
  return out;
}

function merge(a: LabelSelectorOut, b: LabelSelectorOut): LabelSelectorOut {
  const matchLabels = { ...a.matchLabels, ...b.matchLabels };
  const matchExpressions = [...(a.matchExpressions ?? []), ...(b.matchExpressions ?? [])];
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/**
 * An endpoint selector for pods in `scope`. In a namespaced policy a selector without a
 * namespace key means the policy's namespace, so "every namespace" needs an explicit Exists.
 */
function endpointSelector(pods: Selector, scope: NamespaceScope, policyNs: string | undefined): LabelSelectorOut | undefined {
  const p = toLabelSelector(pods);
  if (p === undefined) return undefined;
  if (policyNs !== undefined && scope.kind === 'names' && scope.names.length === 1 && scope.names[0] === policyNs) return p;
  if (scope.kind === 'selector' && scope.selector.op === 'all') {
    return policyNs === undefined ? p : merge(p, { matchExpressions: [{ key: POD_NAMESPACE, operator: 'Exists' }] });
  }
  const ns = namespaceSelector(scope);
  if (ns === undefined) return undefined;
  // Cilium adds the policy's own namespace unless the selector names a namespace itself
  // (pkg/k8s/apis/cilium.io/utils/utils.go), so namespace-label selectors need an Exists.
  const named = Object.hasOwn(ns.matchLabels ?? {}, POD_NAMESPACE) || (ns.matchExpressions ?? []).some((e) => e.key === POD_NAMESPACE);
  return merge(p, policyNs === undefined || named ? ns : merge(ns, { matchExpressions: [{ key: POD_NAMESPACE, operator: 'Exists' }] }));
}

type PeerGroup = { key: string; values: unknown[] };

function ciliumPeers(peer: Peer, dir: 'ingress' | 'egress', policyNs: string | undefined, cluster: Cluster, notes: PolicyNotes, cidrMatchesNodes: boolean): PeerGroup[] {
  const f = (s: string): string => (dir === 'ingress' ? `from${s}` : `to${s}`);
  switch (peer.kind) {
    case 'pods': {
      if (peer.serviceAccounts !== undefined) { notes.unsupported(peer.path, L.serviceAccounts); return []; }
      const sel = endpointSelector(peer.pods, peer.namespaces, policyNs);
      if (sel === undefined) { notes.unsupported(peer.path, L.selector); return []; }
      return [{ key: f('Endpoints'), values: [sel] }];
    }
    case 'cidr': {
      const set = [{ key: f('CIDRSet'), values: [{ cidr: peer.cidr, ...(peer.except.length > 0 ? { except: [...peer.except] } : {}) }] }];
      if (peer.matchesNodes !== false && !cidrMatchesNodes) {
        const nodes = nodesInCidr(peer.cidr, peer.except, cluster);
        if (nodes.length > 0) notes.approximation(peer.path, `${L.cidrNodes}: ${nodes.join(', ')} ${nodes.length === 1 ? 'is' : 'are'} in ${peer.cidr} and no longer match (select them with ${f('Nodes')} or ${f('Entities')} host/remote-node)`);
      }
      if (!peer.matchesPods) return set;
      const inside = podsInCidr(peer.cidr, peer.except, cluster);
      if (inside.length === 0) {
        notes.approximation(peer.path, `${L.cidrPods}; no pod of this snapshot is in ${peer.cidr}, so pods that get such an address later will not match`);
        return set;
      }
      const everyPod = cluster.pods.filter((p) => !p.hostNetwork).length === inside.length;
      if (everyPod) {
        notes.approximation(peer.path, `${L.cidrPods}; ${peer.cidr} covers every pod of this snapshot, so a rule selecting every endpoint of every namespace is added`);
        return [...set, { key: f('Endpoints'), values: [endpointSelector(SELECT_ALL, { kind: 'selector', selector: SELECT_ALL }, policyNs)] }];
      }
      notes.unsupported(peer.path, `${L.cidrPods}; pods ${inside.join(', ')} are in ${peer.cidr} and no longer match (select them with endpoint selectors)`);
      return set;
    }
    case 'entity': return [{ key: f('Entities'), values: [peer.entity] }];
    case 'nodes': {
      const sel = toLabelSelector(peer.selector);
      if (sel === undefined) { notes.unsupported(peer.path, L.selector); return []; }
      return [{ key: f('Nodes'), values: [sel] }];
    }
    case 'fqdn':
      if (dir === 'ingress') { notes.unsupported(peer.path, 'Cilium matches DNS names on egress only'); return []; }
      return [{ key: 'toFQDNs', values: [peer.pattern.includes('*') ? { matchPattern: peer.pattern } : { matchName: peer.pattern }] }];
    case 'networkSets': notes.unsupported(peer.path, L.networkSets); return [];
    case 'service': {
      if (dir === 'ingress') { notes.unsupported(peer.path, L.serviceIngress); return []; }
      const ns = peer.namespace === null ? {} : { namespace: peer.namespace };
      if (peer.name !== undefined && peer.selector === undefined) return [{ key: 'toServices', values: [{ k8sService: { serviceName: peer.name, ...ns } }] }];
      const sel = peer.selector === undefined ? {} : toLabelSelector(peer.selector);
      if (peer.name !== undefined || sel === undefined) { notes.unsupported(peer.path, L.selector); return []; }
      return [{ key: 'toServices', values: [{ k8sServiceSelector: { selector: sel, ...ns } }] }];
    }
  }
}

function toPorts(ports: readonly PortMatch[] | null): Manifest[] | undefined {
  if (ports === null) return undefined;
  const list = ports.map((m) => {
    const protocol = m.protocol ?? 'ANY';
    if (m.ports === null) return { port: '0', protocol };
    if (m.ports.kind === 'named') return { port: m.ports.name, protocol };
    return { port: String(m.ports.from), protocol, ...(m.ports.to !== m.ports.from ? { endPort: m.ports.to } : {}) };
  });
  return [{ ports: list }];
}

function ciliumRules(rule: Rule, dir: 'ingress' | 'egress', policyNs: string | undefined, cluster: Cluster, notes: PolicyNotes, cidrMatchesNodes: boolean): Manifest[] {
  if ((rule.notPeers?.length ?? 0) > 0 || (rule.notPorts?.length ?? 0) > 0) { notes.unsupported(rule.path, L.not); return []; }
  if (rule.l7 !== undefined) notes.approximation(rule.path, `the L7 part (${rule.l7.summary}) is not carried over; the rule is kept at L3/L4`);
  if (rule.ports !== null && rule.ports.length === 0) return [];
  const ports = toPorts(rule.ports);
  const portPart = ports === undefined ? {} : { toPorts: ports };
  if (rule.peers === null) {
    return [ports === undefined ? { [dir === 'ingress' ? 'fromEntities' : 'toEntities']: ['all'] } : portPart];
  }
  // One L3 kind per Cilium rule: group the peers by kind.
  const groups = new Map<string, unknown[]>();
  for (const p of rule.peers) {
    for (const g of ciliumPeers(p, dir, policyNs, cluster, notes, cidrMatchesNodes)) groups.set(g.key, [...(groups.get(g.key) ?? []), ...g.values]);
  }
  if (groups.has('toServices') && ports !== undefined) {
    notes.unsupported(rule.path, L.servicePorts);
    groups.delete('toServices');
  }
  return [...groups].map(([key, values]) => ({ [key]: values, ...portPart }));
}

function convertOne(p: Policy, cluster: Cluster, names: NameRegistry, cidrMatchesNodes: boolean): { objects: Manifest[]; notes: ConversionNote[] } {
  const notes = new PolicyNotes(p);
  const done = (objects: Manifest[]): { objects: Manifest[]; notes: ConversionNote[] } => ({ objects: objects.map((o) => annotate(o, notes.list)), notes: notes.list });
  if (p.staged) return notes.unsupported('', 'staged policies are not enforced; Cilium has no staged form'), done([]);
  if (p.tier !== 'default') return notes.unsupported('', `${L.tier} (this one is in tier ${p.tier})`), done([]);
  const scope = p.subject.namespaces;
  const namespaced = scope.kind === 'names' && scope.names.length === 1;
  const ns = namespaced ? scope.names[0] : undefined;
  const subject = namespaced ? toLabelSelector(p.subject.pods) : endpointSelector(p.subject.pods, scope, undefined);
  if (subject === undefined) return notes.unsupported('spec', `${L.selector} (subject)`), done([]);
  const spec: Manifest = { endpointSelector: subject };
  const defaultDeny: Record<string, boolean> = {};
  for (const dir of ['ingress', 'egress'] as const) {
    const d = p[dir];
    if (d === undefined) continue;
    const allows: Manifest[] = [];
    const denies: Manifest[] = [];
    for (const r of d.rules) {
      if (r.action === 'pass') { notes.unsupported(r.path, L.pass); continue; }
      if (r.action === 'log') { notes.approximation(r.path, 'log rules only record a match; dropped (verdicts are unchanged)'); continue; }
      if (r.action === 'deny') {
        if (p.order !== CILIUM_DENY_ORDER) notes.approximation(r.path, L.denyFirst);
        if (r.l7 !== undefined) { notes.unsupported(r.path, L.l7Deny); continue; }
      }
      (r.action === 'deny' ? denies : allows).push(...ciliumRules(r, dir, ns, cluster, notes, cidrMatchesNodes));
    }
    if (d.isolates && allows.length === 0) allows.push({}); // isolates, admits nothing
    if (!d.isolates) defaultDeny[dir] = false;
    if (allows.length > 0) spec[dir] = allows;
    if (denies.length > 0) spec[`${dir}Deny`] = denies;
    if (!d.isolates && allows.length === 0 && denies.length === 0) delete defaultDeny[dir];
  }
  if (Object.keys(defaultDeny).length > 0) spec['enableDefaultDeny'] = defaultDeny;
  if (!['ingress', 'egress', 'ingressDeny', 'egressDeny'].some((k) => spec[k] !== undefined)) return done([]);
  const kind = namespaced ? 'CiliumNetworkPolicy' : 'CiliumClusterwideNetworkPolicy';
  const name = names.unique(kind, ns, outputName(p));
  return done([{ apiVersion: API, kind, metadata: { name, ...(ns === undefined ? {} : { namespace: ns }) }, spec }]);
}

/** Cilium objects for `set`, for agents with the settings `agent` (default: Cilium's defaults). */
export function toCilium(set: PolicySet, cluster: Cluster, agent: CiliumAgentOptions = {}): ConversionOutput {
  const cidrMatchesNodes = agent.policyCidrMatchMode?.includes('nodes') === true;
  return convertEach(set, cluster, (p, c, names) => convertOne(p, c, names, cidrMatchesNodes));
}
