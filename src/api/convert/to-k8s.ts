// IR policies → Kubernetes NetworkPolicy (networking.k8s.io/v1). Only allow rules of
// isolating default-tier policies are expressible
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/); tiers,
// deny/pass, entities, FQDNs, negations and service accounts are reported. Selector-scoped
// subjects, node and network-set peers are expanded over the snapshot (noted).
import type { Cluster } from '../../model/cluster.ts';
import { cidrContainsCidr, parseCidr } from '../../model/ip.ts';
import type { Peer } from '../../model/peer.ts';
import type { Policy } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Rule } from '../../model/rule.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { ConversionNote, ConversionOutput, Manifest } from './limitations.ts';
import { LIMITS } from './limitations.ts';
import type { NameRegistry} from './convert-support.ts';
import {
  NAMESPACE_NAME_LABEL, PolicyNotes, annotate, ciliumCidrNote, isAllPorts, namespacesIn, outputName,
  perProtocol, selectorMatches, serviceBackendPeers, toLabelSelector, convertEach
} from './convert-support.ts';

const L = LIMITS.k8s;

function hostCidr(ip: string): string {
  return ip.includes(':') ? `${ip}/128` : `${ip}/32`;
}

/** One Kubernetes peer list for an IR peer; [] when it matches nothing on this snapshot, undefined when not expressible. */
function k8sPeers(peer: Peer, ns: string, cluster: Cluster, notes: PolicyNotes): Manifest[] | undefined {
  switch (peer.kind) {
    case 'pods': {
      if (peer.serviceAccounts !== undefined) return void notes.unsupported(peer.path, L.serviceAccounts);
      const pods = toLabelSelector(peer.pods);
      if (pods === undefined) return void notes.unsupported(peer.path, L.selector);
      const podPart = Object.keys(pods).length === 0 ? {} : { podSelector: pods };
      if (peer.namespaces.kind === 'names' && peer.namespaces.names.length === 1 && peer.namespaces.names[0] === ns) {
        return [{ podSelector: pods }];
      }
      const nsSel = peer.namespaces.kind === 'names'
        ? (peer.namespaces.names.length === 1
          ? { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespaces.names[0] ?? '' } }
          : { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...peer.namespaces.names] }] })
        : toLabelSelector(peer.namespaces.selector);
      if (nsSel === undefined) return void notes.unsupported(peer.path, `${L.selector} (namespace selector)`);
      if (peer.namespaces.kind === 'names' && peer.namespaces.names.length === 0) return [];
      return [{ namespaceSelector: nsSel, ...podPart }];
    }
    case 'cidr': {
      const note = ciliumCidrNote(peer, 'an ipBlock does', cluster);
      if (note !== undefined) notes.approximation(peer.path, note);
      return [{ ipBlock: { cidr: peer.cidr, ...(peer.except.length > 0 ? { except: [...peer.except] } : {}) } }];
    }
    case 'nodes': {
      const ips = cluster.nodes.filter((n) => selectorMatches(peer.selector, n.labels)).flatMap((n) => n.ips);
      notes.approximation(peer.path, `node peers become ipBlocks of the addresses of this snapshot's matching nodes (${ips.length === 0 ? 'none' : ips.join(', ')})`);
      return ips.map((ip) => ({ ipBlock: { cidr: hostCidr(ip) } }));
    }
    case 'networkSets': {
      const sets = cluster.networkSets.filter((s) => selectorMatches(peer.selector, s.labels)
        && (peer.namespaces === null ? s.namespace === undefined
          : s.namespace !== undefined && namespacesIn(peer.namespaces, cluster).includes(s.namespace)));
      if (sets.length === 0) return [];
      if (sets.some((s) => s.domains.length > 0)) notes.unsupported(peer.path, `${L.fqdn} (network set domains)`);
      notes.approximation(peer.path, `network sets become ipBlocks of this snapshot's sets ${sets.map((s) => s.key).join(', ')}`);
      return sets.flatMap((s) => s.nets.map((cidr) => ({ ipBlock: { cidr } })));
    }
    case 'entity':
      if (peer.entity === 'cluster') {
        notes.approximation(peer.path, 'entity cluster becomes every pod of every namespace (nodes and hosts are not included)');
        return [{ namespaceSelector: {} }];
      }
      return void notes.unsupported(peer.path, `${L.entity}: ${peer.entity}`);
    case 'fqdn':
      return void notes.unsupported(peer.path, L.fqdn);
    case 'service':
      return serviceBackendPeers(peer, cluster, notes).flatMap((pp) => k8sPeers(pp, ns, cluster, notes) ?? []);
  }
}

function k8sPorts(ports: readonly PortMatch[]): Manifest[] {
  return ports.flatMap(perProtocol).map((m) => {
    if (isAllPorts(m) || m.ports === null) return { protocol: m.protocol };
    if (m.ports.kind === 'named') return { protocol: m.protocol, port: m.ports.name };
    return m.ports.from === m.ports.to
      ? { protocol: m.protocol, port: m.ports.from }
      : { protocol: m.protocol, port: m.ports.from, endPort: m.ports.to };
  });
}

/**
 * Calico `nets` + `notNets` (how an ipBlock with except reads back from Calico) is an
 * ipBlock except: fold negated CIDRs into CIDR peers; undefined when other negations remain.
 */
function foldNotNets(rule: Rule): Rule | undefined {
  const not = rule.notPeers ?? [];
  if (not.length === 0) return rule;
  if (rule.peers === null || !not.every((p) => p.kind === 'cidr' && p.except.length === 0) || !rule.peers.every((p) => p.kind === 'cidr')) return undefined;
  const peers = rule.peers.map((p) => {
    if (p.kind !== 'cidr') return p;
    const outer = parseCidr(p.cidr);
    const inside = not.flatMap((n) => {
      const c = n.kind === 'cidr' ? parseCidr(n.cidr) : undefined;
      return c !== undefined && outer !== undefined && cidrContainsCidr(outer, c) && n.kind === 'cidr' ? [n.cidr] : [];
    });
    return { ...p, except: [...p.except, ...inside] };
  });
  const { notPeers: _dropped, ...rest } = rule;
  return { ...rest, peers };
}

function k8sRule(rule: Rule, dir: 'ingress' | 'egress', ns: string, cluster: Cluster, notes: PolicyNotes): Manifest | undefined {
  if (rule.action === 'log') return void notes.approximation(rule.path, 'log rules only record a match; dropped (verdicts are unchanged)');
  if (rule.action === 'deny') return void notes.unsupported(rule.path, L.deny);
  if (rule.action === 'pass') return void notes.unsupported(rule.path, L.pass);
  const folded = foldNotNets(rule);
  if (folded === undefined || (rule.notPorts?.length ?? 0) > 0) return void notes.unsupported(rule.path, L.not);
  rule = folded;
  if (rule.l7 !== undefined) notes.approximation(rule.path, `the L7 part (${rule.l7.summary}) cannot be expressed; the rule is kept at L3/L4`);
  const out: Manifest = {};
  if (rule.peers !== null) {
    if (rule.peers.some((p) => p.kind === 'entity' && p.entity === 'all')) {
      // Entity `all` is every peer: a rule without from/to.
    } else {
      const peers: Manifest[] = [];
      for (const p of rule.peers) peers.push(...(k8sPeers(p, ns, cluster, notes) ?? []));
      // No peer left: the rule matches nothing (Kubernetes `from: []` would mean everyone).
      if (peers.length === 0) return undefined;
      out[dir === 'ingress' ? 'from' : 'to'] = peers;
    }
  }
  if (rule.ports !== null) {
    if (rule.ports.length === 0) return undefined;
    out['ports'] = k8sPorts(rule.ports);
  }
  return out;
}

function convertOne(p: Policy, cluster: Cluster, names: NameRegistry): { objects: Manifest[]; notes: ConversionNote[] } {
  const notes = new PolicyNotes(p);
  const done = (objects: Manifest[]): { objects: Manifest[]; notes: ConversionNote[] } => ({ objects: objects.map((o) => annotate(o, notes.list)), notes: notes.list });
  if (p.staged) {
    notes.unsupported('', 'staged policies are not enforced; Kubernetes NetworkPolicy has no staged form');
    return done([]);
  }
  if (p.tier !== 'default') {
    notes.unsupported('', `${L.tier} (this one is in tier ${p.tier})`);
    return done([]);
  }
  const podSelector = toLabelSelector(p.subject.pods);
  if (podSelector === undefined) {
    notes.unsupported('spec', `${L.selector} (subject)`);
    return done([]);
  }
  const namespaces = namespacesIn(p.subject.namespaces, cluster);
  if (p.subject.namespaces.kind === 'selector') {
    notes.approximation('', `applies to namespaces selected by a selector: one NetworkPolicy per namespace of this snapshot (${namespaces.join(', ') || 'none'}); namespaces created later are not covered`);
  }
  const objects: Manifest[] = [];
  for (const ns of namespaces) {
    const spec: Manifest = { podSelector };
    const types: string[] = [];
    for (const dir of ['ingress', 'egress'] as const) {
      const d = p[dir];
      if (d === undefined) continue;
      if (!d.isolates) {
        if (ns === namespaces[0]) notes.unsupported(`spec.${dir}`, L.nonIsolating);
        continue;
      }
      types.push(dir === 'ingress' ? 'Ingress' : 'Egress');
      const rules: Manifest[] = [];
      const sink = ns === namespaces[0] ? notes : new PolicyNotes(p);
      for (const r of d.rules) {
        const out = k8sRule(r, dir, ns, cluster, sink);
        if (out !== undefined) rules.push(out);
      }
      spec[dir] = rules;
    }
    if (types.length === 0) continue;
    spec['policyTypes'] = types;
    const name = names.unique('NetworkPolicy', ns, outputName(p));
    objects.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
  }
  return done(objects);
}

export function toKubernetes(set: PolicySet, cluster: Cluster): ConversionOutput {
  return convertEach(set, cluster, convertOne);
}
