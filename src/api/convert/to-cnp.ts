// IR policies → ClusterNetworkPolicy policy.networking.k8s.io/v1alpha2
// (kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go,
// https://network-policy-api.sigs.k8s.io/). Only the admin and baseline tiers exist there,
// with integer priorities 0–1000; everything in the default tier (NetworkPolicy, Calico,
// Cilium) and Calico's own tiers are reported.
import type { Cluster } from '../../model/cluster.ts';
import type { Peer } from '../../model/peer.ts';
import type { Policy } from '../../model/policy.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Rule } from '../../model/rule.ts';
import type { PolicySet } from '../../model/tier.ts';
import type { ConversionNote, ConversionOutput, Manifest } from './limitations.ts';
import { LIMITS } from './limitations.ts';
import type { NameRegistry} from './convert-support.ts';
import { PolicyNotes, annotate, ciliumCidrNote, isAllPorts, outputName, perProtocol, scopeSelector, toLabelSelector, convertEach } from './convert-support.ts';

const L = LIMITS.cnp;
const TIERS: Readonly<Record<string, string>> = { admin: 'Admin', baseline: 'Baseline' };
const ACTIONS = { allow: 'Accept', deny: 'Deny', pass: 'Pass' } as const;

function podSet(pods: Policy['subject']['pods'], scope: Policy['subject']['namespaces']): Manifest | undefined {
  const ns = toLabelSelector(scopeSelector(scope));
  const p = toLabelSelector(pods);
  if (ns === undefined || p === undefined) return undefined;
  return pods.op === 'all' ? { namespaces: ns } : { pods: { namespaceSelector: ns, podSelector: p } };
}

function cnpPeer(peer: Peer, dir: 'ingress' | 'egress', rule: Rule, cluster: Cluster, notes: PolicyNotes): Manifest | undefined {
  if (dir === 'ingress' && peer.kind !== 'pods') return void notes.unsupported(peer.path, `${L.ingressPeer} (this one is ${peer.kind})`);
  switch (peer.kind) {
    case 'pods': {
      if (peer.serviceAccounts !== undefined) return void notes.unsupported(peer.path, L.serviceAccounts);
      const s = podSet(peer.pods, peer.namespaces);
      if (s === undefined) return void notes.unsupported(peer.path, L.selector);
      return s;
    }
    case 'nodes': {
      const s = toLabelSelector(peer.selector);
      return s === undefined ? void notes.unsupported(peer.path, L.selector) : { nodes: s };
    }
    case 'cidr':
      if (peer.except.length > 0) return void notes.unsupported(peer.path, 'ClusterNetworkPolicy networks have no except');
      {
        const note = ciliumCidrNote(peer, 'CNP networks do', cluster);
        if (note !== undefined) notes.approximation(peer.path, note);
      }
      return { networks: [peer.cidr] };
    case 'fqdn':
      if (rule.action !== 'allow') return void notes.unsupported(peer.path, L.domainAction);
      return { domainNames: [peer.pattern] };
    case 'entity': return void notes.unsupported(peer.path, `${L.entity}: ${peer.entity}`);
    case 'networkSets': return void notes.unsupported(peer.path, 'ClusterNetworkPolicy has no Calico network sets');
    case 'service': return void notes.unsupported(peer.path, L.service);
  }
}

function protocols(ports: readonly PortMatch[], notes: PolicyNotes): Manifest[] {
  const out: Manifest[] = [];
  for (const m of ports) {
    if (m.ports?.kind === 'named') {
      if (m.protocol !== null) notes.approximation(m.path, `destinationNamedPort matches the named port whatever its protocol (the source said ${m.protocol})`);
      out.push({ destinationNamedPort: m.ports.name });
      continue;
    }
    for (const pm of perProtocol(m)) {
      const key = (pm.protocol ?? 'TCP').toLowerCase();
      const destinationPort = isAllPorts(pm) || pm.ports === null || pm.ports.kind !== 'range'
        ? { range: { start: 1, end: 65535 } }
        : pm.ports.from === pm.ports.to ? { number: pm.ports.from } : { range: { start: pm.ports.from, end: pm.ports.to } };
      out.push({ [key]: { destinationPort } });
    }
  }
  return out;
}

function cnpRule(rule: Rule, dir: 'ingress' | 'egress', tier: string, cluster: Cluster, notes: PolicyNotes): Manifest | undefined {
  if (rule.action === 'log') return void notes.approximation(rule.path, `${L.log}; dropped (verdicts are unchanged)`);
  if (rule.action === 'pass' && tier === 'Baseline') return void notes.unsupported(rule.path, L.baselinePass);
  if ((rule.notPeers?.length ?? 0) > 0 || (rule.notPorts?.length ?? 0) > 0) return void notes.unsupported(rule.path, L.not);
  if (rule.l7 !== undefined) notes.approximation(rule.path, `the L7 part (${rule.l7.summary}) cannot be expressed; the rule is kept at L3/L4`);
  if (rule.ports !== null && rule.ports.length === 0) return undefined;
  let peers: Manifest[];
  if (rule.peers === null || rule.peers.some((p) => p.kind === 'entity' && p.entity === 'all')) {
    peers = dir === 'egress' ? [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] : [{ namespaces: {} }];
    if (dir === 'ingress') notes.approximation(rule.path, 'any peer becomes every pod of every namespace: ClusterNetworkPolicy ingress cannot name addresses outside the cluster');
  } else {
    peers = rule.peers.flatMap((p): Manifest[] => { const m = cnpPeer(p, dir, rule, cluster, notes); return m === undefined ? [] : [m]; });
    if (peers.length === 0) return undefined;
  }
  return {
    ...(rule.name === undefined ? {} : { name: rule.name }),
    action: ACTIONS[rule.action],
    [dir === 'ingress' ? 'from' : 'to']: peers,
    ...(rule.ports === null ? {} : { protocols: protocols(rule.ports, notes) }),
  };
}

function convertOne(p: Policy, cluster: Cluster, names: NameRegistry): { objects: Manifest[]; notes: ConversionNote[] } {
  const notes = new PolicyNotes(p);
  const done = (objects: Manifest[]): { objects: Manifest[]; notes: ConversionNote[] } => ({ objects: objects.map((o) => annotate(o, notes.list)), notes: notes.list });
  if (p.staged) return notes.unsupported('', 'staged policies are not enforced; ClusterNetworkPolicy has no staged form'), done([]);
  const tier = TIERS[p.tier];
  if (tier === undefined) return notes.unsupported('', `${L.tier} (this one is in tier ${p.tier})`), done([]);
  if (!Number.isInteger(p.order) || p.order < 0 || p.order > 1000) return notes.unsupported('', `priority must be an integer from 0 to 1000, the order is ${p.order}`), done([]);
  const subject = podSet(p.subject.pods, p.subject.namespaces);
  if (subject === undefined) return notes.unsupported('spec', `${L.selector} (subject)`), done([]);
  const spec: Manifest = { tier, priority: p.order, subject };
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = (p[dir]?.rules ?? []).flatMap((r) => cnpRule(r, dir, tier, cluster, notes) ?? []);
    if (rules.length > 0) spec[dir] = rules;
  }
  const name = names.unique('ClusterNetworkPolicy', undefined, outputName(p));
  return done([{ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec }]);
}

export function toClusterNetworkPolicy(set: PolicySet, cluster: Cluster): ConversionOutput {
  return convertEach(set, cluster, convertOne);
}
