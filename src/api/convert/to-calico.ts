// IR policies → Calico projectcalico.org/v3 NetworkPolicy / GlobalNetworkPolicy / Tier
// (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy,
// .../globalnetworkpolicy, .../tier). Calico expresses nearly every IR construct: tiers
// (admin and baseline become Calico's `kube-admin` / `kube-baseline` tiers at the same
// orders), every action, negations, domains. What it lacks is a non-isolating policy:
// those go to a Pass tier just before the default tier (noted).
import type { Cluster } from '../../model/cluster.ts';
import type { Peer } from '../../model/peer.ts';
import type { PortMatch } from '../../model/port-match.ts';
import type { Rule } from '../../model/rule.ts';
import type { PolicySet, Tier } from '../../model/tier.ts';
import { printCalicoSelector } from '../calico/selector-parser.ts';
import type { ConversionNote, ConversionOutput, Manifest } from './limitations.ts';
import { LIMITS } from './limitations.ts';
import { NameRegistry, PolicyNotes, annotate, ciliumCidrNote, outputName, scopeSelector, selectorMatches, serviceBackendPeers } from './convert-support.ts';

const API = 'projectcalico.org/v3';
/** IR tier name → Calico tier name (Calico v3.30+ names its admin/baseline tiers so). */
const TIER_NAMES: Readonly<Record<string, string>> = { admin: 'kube-admin', baseline: 'kube-baseline' };
/** Just before the default tier (order 1,000,000): holds policies that must not isolate. */
export const NON_ISOLATING_TIER: Tier = { name: 'palisade-non-isolating', order: 999_999, onNoMatch: 'next' };
/** Calico's "no order" (evaluated last): the field is left out. */
const NO_ORDER = Number.MAX_VALUE;

const ACTIONS = { allow: 'Allow', deny: 'Deny', pass: 'Pass', log: 'Log' } as const;

type Entity = Record<string, unknown>;

/** The remote entity for a peer; undefined when not expressible. `ns`: the policy's namespace (undefined: global). */
function remote(peer: Peer, ns: string | undefined, cluster: Cluster, notes: PolicyNotes): Entity | undefined {
  switch (peer.kind) {
    case 'pods': {
      const own = ns !== undefined && peer.namespaces.kind === 'names' && peer.namespaces.names.length === 1 && peer.namespaces.names[0] === ns;
      const sa = peer.serviceAccounts;
      return {
        selector: printCalicoSelector(peer.pods),
        ...(own ? {} : { namespaceSelector: printCalicoSelector(scopeSelector(peer.namespaces)) }),
        ...(sa === undefined ? {} : {
          serviceAccounts: {
            ...(sa.names === undefined ? {} : { names: [...sa.names] }),
            ...(sa.selector === undefined ? {} : { selector: printCalicoSelector(sa.selector) }),
          },
        }),
      };
    }
    case 'networkSets': {
      if (peer.namespaces === null) return { selector: printCalicoSelector(peer.selector), namespaceSelector: 'global()' };
      const own = ns !== undefined && peer.namespaces.kind === 'names' && peer.namespaces.names.length === 1 && peer.namespaces.names[0] === ns;
      return { selector: printCalicoSelector(peer.selector), ...(own ? {} : { namespaceSelector: printCalicoSelector(scopeSelector(peer.namespaces)) }) };
    }
    case 'cidr': {
      const note = ciliumCidrNote(peer, 'Calico nets do', cluster);
      if (note !== undefined) notes.approximation(peer.path, note);
      return { nets: [peer.cidr], ...(peer.except.length > 0 ? { notNets: [...peer.except] } : {}) };
    }
    case 'fqdn': return { domains: [peer.pattern] };
    case 'nodes': {
      const ips = cluster.nodes.filter((n) => selectorMatches(peer.selector, n.labels)).flatMap((n) => n.ips);
      notes.approximation(peer.path, `node peers become nets of this snapshot's matching node addresses (${ips.join(', ') || 'none'})`);
      return ips.length === 0 ? undefined : { nets: ips.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`)) };
    }
    case 'entity':
      if (peer.entity === 'all') return {};
      if (peer.entity === 'cluster') {
        notes.approximation(peer.path, 'entity cluster becomes every pod and network set of every namespace');
        return { namespaceSelector: 'all()' };
      }
      return void notes.unsupported(peer.path, `Calico has no entity ${peer.entity} (host endpoints are not modelled)`);
    case 'service':
      return void notes.unsupported(peer.path, 'Calico has no service peers in these rules');
  }
}

/** notNets / notSelector for the rule's negated peers; undefined when not expressible. */
function negations(rule: Rule, ns: string | undefined, notes: PolicyNotes): Entity | undefined {
  const not = rule.notPeers ?? [];
  if (not.length === 0) return {};
  const nets: string[] = [];
  const sels: string[] = [];
  for (const p of not) {
    if (p.kind === 'cidr' && p.except.length === 0) nets.push(p.cidr);
    else if ((p.kind === 'pods' || p.kind === 'networkSets') && p.namespaces !== null
      && (p.namespaces.kind === 'selector' ? p.namespaces.selector.op === 'all' && ns === undefined
        : ns !== undefined && p.namespaces.names.length === 1 && p.namespaces.names[0] === ns)) {
      sels.push(printCalicoSelector(p.kind === 'pods' ? p.pods : p.selector));
    } else return void notes.unsupported(p.path, 'this negated peer has no Calico notNets/notSelector form');
  }
  const uniq = [...new Set(sels)];
  return {
    ...(nets.length > 0 ? { notNets: nets } : {}),
    ...(uniq.length > 0 ? { notSelector: uniq.length === 1 ? uniq[0] : uniq.map((s) => `(${s})`).join(' || ') } : {}),
  };
}

function portText(m: PortMatch): string | number | undefined {
  if (m.ports === null) return undefined;
  if (m.ports.kind === 'named') return m.ports.name;
  return m.ports.from === m.ports.to ? m.ports.from : `${m.ports.from}:${m.ports.to}`;
}

/** Protocol/ports parts of the Calico rules of one IR rule: one per protocol. */
function portParts(rule: Rule, notes: PolicyNotes): Array<{ protocol?: string; ports?: Array<string | number>; notPorts?: Array<string | number>; notProtocol?: string }> | undefined {
  const not = rule.notPorts ?? [];
  const notProtocols = not.filter((m) => m.ports === null && m.protocol !== null).map((m) => m.protocol as string);
  const notWithPorts = not.filter((m) => m.ports !== null);
  if (not.some((m) => m.protocol === null) || notProtocols.length > 1) return void notes.unsupported(rule.path, 'these negated ports have no Calico notPorts/notProtocol form');
  const notProtocol = notProtocols.length === 1 ? { notProtocol: notProtocols[0] ?? '' } : {};
  if (rule.ports === null) {
    if (notWithPorts.length > 0) return void notes.unsupported(rule.path, 'Calico notPorts need a protocol on the rule');
    return [{ ...notProtocol }];
  }
  const byProtocol = new Map<string, Array<string | number> | null>();
  for (const m of rule.ports) {
    for (const protocol of m.protocol === null ? ['TCP', 'UDP', 'SCTP'] : [m.protocol]) {
      const t = portText(m);
      const prev = byProtocol.get(protocol);
      if (t === undefined || prev === null) byProtocol.set(protocol, null);
      else byProtocol.set(protocol, [...(prev ?? []), t]);
    }
  }
  const out = [];
  for (const [protocol, ports] of byProtocol) {
    const nots = notWithPorts.filter((m) => m.protocol === protocol).map((m) => portText(m) ?? 0);
    if (notWithPorts.some((m) => m.protocol !== protocol) && byProtocol.size > 1) return void notes.unsupported(rule.path, 'these negated ports have no Calico notPorts form');
    out.push({ protocol, ...(ports === null ? {} : { ports }), ...(nots.length > 0 ? { notPorts: nots } : {}), ...notProtocol });
  }
  return out;
}

function calicoRules(rule: Rule, dir: 'ingress' | 'egress', ns: string | undefined, cluster: Cluster, notes: PolicyNotes): Manifest[] {
  if (rule.l7 !== undefined) notes.approximation(rule.path, `the L7 part (${rule.l7.summary}) is not carried over; the rule is kept at L3/L4`);
  const neg = negations(rule, ns, notes);
  const ports = portParts(rule, notes);
  if (neg === undefined || ports === undefined) return [];
  let remotes: Entity[];
  if (rule.peers === null) remotes = [{}];
  else {
    remotes = rule.peers.flatMap((p) => (p.kind === 'service' ? serviceBackendPeers(p, cluster, notes) : [p]))
      .flatMap((p): Entity[] => { const r = remote(p, ns, cluster, notes); return r === undefined ? [] : [r]; });
  }
  const out: Manifest[] = [];
  const seen = new Set<string>();
  for (const r of remotes) {
    for (const pp of ports) {
      const { protocol, ports: list, notPorts, notProtocol } = pp;
      const remoteEntity: Entity = { ...r, ...neg };
      const notNets = [...((r['notNets'] as string[] | undefined) ?? []), ...((neg['notNets'] as string[] | undefined) ?? [])];
      if (notNets.length > 0) remoteEntity['notNets'] = notNets;
      const portsPart = { ...(list === undefined ? {} : { ports: list }), ...(notPorts === undefined ? {} : { notPorts }) };
      let source: Entity = dir === 'ingress' ? remoteEntity : {};
      let destination: Entity = dir === 'egress' ? { ...remoteEntity, ...portsPart } : portsPart;
      if (Object.keys(source).length === 0) source = {};
      if (Object.keys(destination).length === 0) destination = {};
      const cr: Manifest = {
        action: ACTIONS[rule.action],
        ...(protocol === undefined ? {} : { protocol }),
        ...(notProtocol === undefined ? {} : { notProtocol }),
        ...(Object.keys(source).length > 0 ? { source } : {}),
        ...(Object.keys(destination).length > 0 ? { destination } : {}),
      };
      const key = JSON.stringify(cr);
      if (!seen.has(key)) out.push(cr);
      seen.add(key);
    }
  }
  return out;
}

function tierManifest(t: Tier, name: string): Manifest {
  return {
    apiVersion: API, kind: 'Tier', metadata: { name },
    spec: { ...(t.order === NO_ORDER ? {} : { order: t.order }), defaultAction: t.onNoMatch === 'next' ? 'Pass' : 'Deny' },
  };
}

export function toCalico(set: PolicySet, cluster: Cluster): ConversionOutput {
  const names = new NameRegistry();
  const objects: Manifest[] = [];
  const notes: ConversionNote[] = [];
  const tiersUsed = new Set<string>();
  for (const p of set.policies) {
    const n = new PolicyNotes(p);
    const produced: Manifest[] = [];
    if (p.staged) {
      n.unsupported('', 'staged policies are not enforced and are left out');
    } else {
      // A policy whose directions differ in isolation is split in two.
      const groups: Array<{ nonIsolating: boolean; dirs: Array<'ingress' | 'egress'> }> = [];
      // Isolation only matters in tiers that deny what they selected and did not match.
      const denyTier = set.tiers.find((t) => t.name === p.tier)?.onNoMatch === 'deny-if-selected';
      for (const nonIsolating of [false, true]) {
        const dirs = (['ingress', 'egress'] as const).filter((d) => p[d] !== undefined && (denyTier ? p[d].isolates === !nonIsolating : !nonIsolating));
        if (dirs.length > 0) groups.push({ nonIsolating, dirs });
      }
      for (const g of groups) {
        const tierName = g.nonIsolating && p.tier === 'default' ? NON_ISOLATING_TIER.name : (TIER_NAMES[p.tier] ?? p.tier);
        if (g.nonIsolating && p.tier !== 'default') n.unsupported('', `${LIMITS.calico.nonIsolating}; this one is in tier ${p.tier}`);
        if (g.nonIsolating && p.tier !== 'default') continue;
        if (g.nonIsolating) n.approximation('', LIMITS.calico.nonIsolating);
        if (tierName !== 'default') tiersUsed.add(tierName);
        const scope = p.subject.namespaces;
        const namespaced = scope.kind === 'names' && scope.names.length === 1;
        const ns = namespaced ? scope.names[0] : undefined;
        const spec: Manifest = {
          ...(tierName === 'default' ? {} : { tier: tierName }),
          ...(p.order === NO_ORDER ? {} : { order: p.order }),
          selector: printCalicoSelector(p.subject.pods),
          ...(namespaced ? {} : { namespaceSelector: printCalicoSelector(scopeSelector(scope)) }),
          types: g.dirs.map((d) => (d === 'ingress' ? 'Ingress' : 'Egress')),
        };
        for (const d of g.dirs) spec[d] = (p[d]?.rules ?? []).flatMap((r) => calicoRules(r, d, ns, cluster, n));
        const kind = namespaced ? 'NetworkPolicy' : 'GlobalNetworkPolicy';
        const name = names.unique(kind, ns, outputName(p, g.nonIsolating && groups.length > 1 ? 'non-isolating' : ''));
        produced.push({ apiVersion: API, kind, metadata: { name, ...(ns === undefined ? {} : { namespace: ns }) }, spec });
      }
    }
    objects.push(...produced.map((o) => annotate(o, n.list)));
    notes.push(...n.list);
  }
  const tiers: Manifest[] = [];
  for (const name of [...tiersUsed].sort()) {
    const irName = Object.entries(TIER_NAMES).find(([, v]) => v === name)?.[0] ?? name;
    const t = name === NON_ISOLATING_TIER.name ? NON_ISOLATING_TIER : set.tiers.find((x) => x.name === irName);
    if (t !== undefined) tiers.push(tierManifest(t, name));
  }
  return { objects: [...tiers, ...objects], notes };
}
