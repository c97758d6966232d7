// Helpers every converter shares: collecting notes, printing IR selectors as Kubernetes
// label selectors, looking facts up in the snapshot (namespaces a selector picks, pods
// in a CIDR), spelling out "any protocol" port matches, and naming output objects.
import type { Cluster } from '../../model/cluster.ts';
import type { Labels } from '../../model/labels.ts';
import { cidrContainsIp, parseCidr, parseIp } from '../../model/ip.ts';
import type { CidrPeer, NamespaceScope, PodsPeer, ServicePeer } from '../../model/peer.ts';
import type { Policy } from '../../model/policy.ts';
import { policyDisplayName } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import { PROTOCOLS } from '../../model/protocol.ts';
import type { Selector } from '../../model/selector.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { ConversionNote, ConversionOutput, Manifest } from './limitations.ts';
import { CONVERSION_NOTES_ANNOTATION } from './limitations.ts';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Notes about one source policy. */
export class PolicyNotes {
  readonly list: ConversionNote[] = [];
  readonly policy: string;
  constructor(policy: Policy) {
    this.policy = policyDisplayName(policy.ref);
  }
  unsupported(path: string, message: string): void {
    this.list.push({ policy: this.policy, path, kind: 'unsupported', message });
  }
  approximation(path: string, message: string): void {
    this.list.push({ policy: this.policy, path, kind: 'approximation', message });
  }
}

export function formatNote(n: ConversionNote): string {
  return `${n.kind === 'unsupported' ? 'not converted' : 'approximation'}: ${n.policy}${n.path === '' ? '' : `: ${n.path}`}: ${n.message}`;
}

/** Adds the notes as an annotation, so the output carries them wherever it goes. */
export function annotate(obj: Manifest, notes: readonly ConversionNote[]): Manifest {
  if (notes.length === 0) return obj;
  const meta = (obj['metadata'] ?? {}) as Record<string, unknown>;
  const text = notes.map((n) => `${n.kind}: ${n.path === '' ? '' : `${n.path}: `}${n.message}`).join('\n');
  return { ...obj, metadata: { ...meta, annotations: { [CONVERSION_NOTES_ANNOTATION]: text } } };
}

export function selectorMatches(s: Selector, labels: Labels): boolean {
  const has = (k: string): boolean => Object.hasOwn(labels, k);
  switch (s.op) {
    case 'all': return true;
    case 'none': return false;
    case 'and': return s.of.every((x) => selectorMatches(x, labels));
    case 'or': return s.of.some((x) => selectorMatches(x, labels));
    case 'not': return !selectorMatches(s.of, labels);
    case 'in': return has(s.key) && s.values.includes(labels[s.key] ?? '');
    case 'notIn': return !has(s.key) || !s.values.includes(labels[s.key] ?? '');
    case 'exists': return has(s.key);
    case 'notExists': return !has(s.key);
    case 'contains': return has(s.key) && (labels[s.key] ?? '').includes(s.value);
    case 'startsWith': return has(s.key) && (labels[s.key] ?? '').startsWith(s.value);
    case 'endsWith': return has(s.key) && (labels[s.key] ?? '').endsWith(s.value);
  }
}

export interface LabelSelectorOut {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The Kubernetes label selector of `s`, or undefined when it is not an AND of plain requirements. */
export function toLabelSelector(s: Selector): LabelSelectorOut | undefined {
  if (s.op === 'all') return {};
  const leaves = s.op === 'and' ? s.of : [s];
  const matchLabels: Record<string, string> = {};
  const matchExpressions: Array<{ key: string; operator: string; values?: string[] }> = [];
  for (const l of leaves) {
    switch (l.op) {
      case 'all': break;
      case 'in':
        if (l.values.length === 1 && !Object.hasOwn(matchLabels, l.key)) matchLabels[l.key] = l.values[0] ?? '';
        else if (l.values.length === 0) return undefined;
        else matchExpressions.push({ key: l.key, operator: 'In', values: [...l.values] });
        break;
      case 'notIn':
        if (l.values.length === 0) return undefined;
        matchExpressions.push({ key: l.key, operator: 'NotIn', values: [...l.values] });
        break;
      case 'exists': matchExpressions.push({ key: l.key, operator: 'Exists' }); break;
      case 'notExists': matchExpressions.push({ key: l.key, operator: 'DoesNotExist' }); break;
      default: return undefined;
    }
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** A namespace scope as a label selector on namespace labels (names → the name label). */
export function scopeSelector(scope: NamespaceScope): Selector {
  return scope.kind === 'names' ? { op: 'in', key: NAMESPACE_NAME_LABEL, values: [...scope.names] } : scope.selector;
}

/** Names of the snapshot's namespaces in `scope`, sorted. */
export function namespacesIn(scope: NamespaceScope, cluster: Cluster): string[] {
  if (scope.kind === 'names') return [...new Set(scope.names)].sort();
  return cluster.namespaces.filter((n) => selectorMatches(scope.selector, n.labels)).map((n) => n.name).sort();
}

/** Keys of the snapshot's (non host-network) pods with an address in `cidr` and not in `except`. */
export function podsInCidr(cidr: string, except: readonly string[], cluster: Cluster): string[] {
  const c = parseCidr(cidr);
  if (c === undefined) return [];
  const ex = except.flatMap((e) => parseCidr(e) ?? []);
  return cluster.pods.filter((p) => !p.hostNetwork && p.ips.some((text) => {
    const ip = parseIp(text);
    return ip !== undefined && cidrContainsIp(c, ip) && !ex.some((e) => cidrContainsIp(e, ip));
  })).map((p) => p.key);
}

/**
 * The snapshot's node addresses in `cidr` and not in `except`, as `node NAME (IP)`, then
 * `host-network pod KEY (IP)` for such addresses of host-network pods no node holds.
 */
export function nodesInCidr(cidr: string, except: readonly string[], cluster: Cluster): string[] {
  const c = parseCidr(cidr);
  if (c === undefined) return [];
  const ex = except.flatMap((e) => parseCidr(e) ?? []);
  const inside = (text: string): boolean => {
    const ip = parseIp(text);
    return ip !== undefined && cidrContainsIp(c, ip) && !ex.some((e) => cidrContainsIp(e, ip));
  };
  const nodeIps = new Set(cluster.nodes.flatMap((n) => n.ips));
  return [
    ...cluster.nodes.flatMap((n) => n.ips.filter(inside).map((ip) => `node ${n.name} (${ip})`)),
    ...cluster.pods.filter((p) => p.hostNetwork).flatMap((p) => p.ips.filter((ip) => inside(ip) && !nodeIps.has(ip)).map((ip) => `host-network pod ${p.key} (${ip})`)),
  ];
}

/**
 * The note for a Cilium CIDR peer written as a CIDR of a target that counts pods and
 * nodes (`target`: "an ipBlock does"): which pods and nodes of this snapshot now match.
 * Undefined when the peer counts both already.
 */
export function ciliumCidrNote(peer: CidrPeer, target: string, cluster: Cluster): string | undefined {
  const pods = !peer.matchesPods;
  const nodes = peer.matchesNodes === false;
  if (!pods && !nodes) return undefined;
  const kinds = [...(pods ? ['pods'] : []), ...(nodes ? ['nodes'] : [])];
  const podKeys = pods ? podsInCidr(peer.cidr, peer.except, cluster) : [];
  const parts = [
    ...(podKeys.length > 0 ? [`pods ${podKeys.join(', ')}`] : []),
    ...(nodes ? nodesInCidr(peer.cidr, peer.except, cluster) : []),
  ];
  const head = `a Cilium CIDR never matches ${kinds.join(' or ')}, ${target}`;
  return parts.length === 0
    ? `${head}; no ${kinds.map((k) => k.slice(0, -1)).join(' or ')} of this snapshot is in ${peer.cidr}`
    : `${head}: ${parts.join(' and ')} ${parts.length === 1 && podKeys.length === 0 ? 'is' : 'are'} in ${peer.cidr} and now match`;
}

/**
 * A service peer as pod peers: per Service of the snapshot it names or selects (with a
 * selector), its selector's pods in its namespace. Exact on this snapshot only, so noted.
 */
export function serviceBackendPeers(peer: ServicePeer, cluster: Cluster, notes: PolicyNotes): PodsPeer[] {
  const services = cluster.services.filter((svc) => (peer.namespace === null || svc.namespace === peer.namespace)
    && (peer.name === undefined || svc.name === peer.name)
    && (peer.selector === undefined || selectorMatches(peer.selector, svc.labels)));
  const withSelector = services.filter((svc) => svc.selector !== undefined);
  notes.approximation(peer.path, withSelector.length === 0
    ? 'a service peer becomes the selectors of the Services it matches; no Service of this snapshot with a selector matches it, so it matches nothing'
    : `a service peer becomes the pod selectors of this snapshot's Services ${withSelector.map((svc) => svc.key).join(', ')}`);
  return withSelector.map((svc): PodsPeer => ({
    kind: 'pods', path: peer.path,
    namespaces: { kind: 'names', names: [svc.namespace] },
    pods: { op: 'and', of: Object.entries(svc.selector ?? {}).map(([key, v]): Selector => ({ op: 'in', key, values: [v] })) },
  }));
}

/** `protocol: null` (every protocol) spelled out per protocol, for targets that need one. */
export function perProtocol(m: PortMatch): PortMatch[] {
  return m.protocol === null ? PROTOCOLS.map((protocol) => ({ ...m, protocol })) : [m];
}

export const ALL_PORTS = { from: 1, to: 65535 } as const;

export function isAllPorts(m: PortMatch): boolean {
  return m.ports === null || (m.ports.kind === 'range' && m.ports.from <= ALL_PORTS.from && m.ports.to >= ALL_PORTS.to);
}

/**
 * A DNS-1123 name for the output object: the source name, plus the part of the IR id after
 * `#` (Cilium `#deny`, `#specs[1]`) and a suffix the caller gives.
 */
export function outputName(policy: Policy, suffix = ''): string {
  const hash = policy.id.indexOf('#');
  const extra = hash < 0 ? '' : `-${policy.id.slice(hash + 1)}`;
  const raw = `${policy.ref.name}${extra}${suffix === '' ? '' : `-${suffix}`}`.toLowerCase();
  const clean = raw.replace(/[^a-z0-9.-]+/g, '-').replace(/-+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return clean.slice(0, 253) || 'policy';
}

/** Makes names unique within one (kind, namespace) by numbering repeats. */
export class NameRegistry {
  private readonly used = new Set<string>();
  unique(kind: string, namespace: string | undefined, name: string): string {
    let candidate = name;
    for (let i = 2; this.used.has(`${kind}/${namespace ?? ''}/${candidate}`); i++) candidate = `${name}-${i}`;
    this.used.add(`${kind}/${namespace ?? ''}/${candidate}`);
    return candidate;
  }
}

export function directions(p: Policy): Array<{ dir: 'ingress' | 'egress'; rules: NonNullable<Policy['ingress']> }> {
  const out: Array<{ dir: 'ingress' | 'egress'; rules: NonNullable<Policy['ingress']> }> = [];
  if (p.ingress !== undefined) out.push({ dir: 'ingress', rules: p.ingress });
  if (p.egress !== undefined) out.push({ dir: 'egress', rules: p.egress });
  return out;
}

/** One policy's conversion: its objects and what could not be said exactly. */
export type ConvertOne = (p: Policy, cluster: Cluster, names: NameRegistry) => { objects: Manifest[]; notes: ConversionNote[] };

/** Converts every policy of the set with `one`, output names unique across the set. */
export function convertEach(set: PolicySet, cluster: Cluster, one: ConvertOne): ConversionOutput {
  const names = new NameRegistry();
  const objects: Manifest[] = [];
  const notes: ConversionNote[] = [];
  for (const p of set.policies) {
    const r = one(p, cluster, names);
    objects.push(...r.objects);
    notes.push(...r.notes);
  }
  return { objects, notes };
}
