// Compiles a cluster snapshot and a policy set into indexes the evaluator, the matrix and
// the analyzer share: pods by key/IP/namespace, tiers in order, enforced policies in
// evaluation order, and per pod the policies selecting it in each direction. Identical
// subjects are resolved once (canonical selector keys), and `names`-scoped subjects only
// look at pods of those namespaces, so compile stays near linear in pods + policies.
import type { Cluster, Namespace, Node, Pod, Service } from '../model/cluster.ts';
import { parseCidr, parseIp } from '../model/ip.ts';
import type { Cidr, IpAddress } from '../model/ip.ts';
import type { NamespaceScope, Peer } from '../model/peer.ts';
import type { Direction, Policy } from '../model/policy.ts';
import type { Rule } from '../model/rule.ts';
import type { PolicySet, Tier } from '../model/tier.ts';
import { EngineError } from './engine-error.ts';
import { matchSelector, namespaceScopeKey, selectorKey } from './match-selector.ts';

export { EngineError } from './engine-error.ts';

export interface CompiledCluster {
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  pod(key: string): Pod | undefined;
  /** The (non host-network) pod owning this address; host-network pods share their node's. */
  podByIp(ip: string): Pod | undefined;
  /** Enforced policies selecting the pod in that direction, in evaluation order across tiers. */
  selecting(podKey: string, direction: Direction): readonly Policy[];
  namespace(name: string): Namespace | undefined;
}

/** Per-peer data prepared once: parsed CIDRs, resolved network-set nets. */
export interface PreparedPeer {
  readonly key: string;
  readonly cidr?: Cidr;
  readonly except?: readonly Cidr[];
  /** networkSets peers: the nets of every matching set. */
  readonly nets?: readonly Cidr[];
  /** service peers: every Service the peer names or selects, with or without a selector. */
  readonly services?: readonly Service[];
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

export function peerKey(p: Peer): string {
  switch (p.kind) {
    case 'pods': {
      const sa = p.serviceAccounts === undefined ? ''
        : `;sa(${JSON.stringify([...new Set(p.serviceAccounts.names ?? ['*'])].sort())};${p.serviceAccounts.selector === undefined ? '*' : selectorKey(p.serviceAccounts.selector)})`;
      return `pods(${namespaceScopeKey(p.namespaces)};${selectorKey(p.pods)}${sa})`;
    }
    case 'cidr': return `cidr(${p.cidr};${[...p.except].sort().join(',')};${p.matchesPods ? 'pods' : 'nopods'})`;
    case 'fqdn': return `fqdn(${p.pattern})`;
    case 'entity': return `entity(${p.entity})`;
    case 'nodes': return `nodes(${selectorKey(p.selector)})`;
    case 'networkSets': return `sets(${p.namespaces === null ? 'global' : namespaceScopeKey(p.namespaces)};${selectorKey(p.selector)})`;
    case 'service': return `service(${p.namespace ?? '*'};${p.name === undefined ? '' : JSON.stringify(p.name)};${p.selector === undefined ? '' : selectorKey(p.selector)})`;
  }
}

/** The implementation behind CompiledCluster; other engine modules read its indexes. */
export class Compiled implements CompiledCluster {
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  /** Tiers sorted by (order, name). */
  readonly tiers: readonly Tier[];
  /** Enforced (non-staged) policies in evaluation order: tier order, then (order, id). */
  readonly enforced: readonly Policy[];
  /** Tier index (into `tiers`) of each enforced policy. */
  readonly enforcedTier: Int32Array;
  readonly pods: readonly Pod[];
  readonly podIps: readonly (readonly IpAddress[])[];
  /** Interned lists of enforced-policy indexes; `selIngress[podIndex]` indexes into it. */
  readonly selectionLists: readonly (readonly number[])[];
  readonly selIngress: Int32Array;
  readonly selEgress: Int32Array;
  /** Peers of enforced and staged policies, prepared. */
  readonly peers: ReadonlyMap<Peer, PreparedPeer>;

  /** Distinct subjects of enforced policies with the policies (indexes into `enforced`) behind them; recompile() matches changed pods against them. */
  readonly subjects: readonly Subject[];

  private readonly podIndexByKey: Map<string, number>;
  private readonly podByIpMap: Map<string, number>;
  private readonly hostIps: Map<string, Node | undefined>;
  private readonly nodesByName: Map<string, Node>;
  private readonly namespacesByName: Map<string, Namespace>;
  private readonly podsByNs: Map<string, number[]>;
  private readonly nsSelectorCache: Map<string, Set<string>>;
  /** Same cache by scope object, so the hot path skips building canonical keys. */
  private readonly nsScopeByObject: WeakMap<NamespaceScope, Set<string>>;
  private readonly policyListCache: Map<number, readonly Policy[]>;
  /** Interning of selection lists: `join(',')` → index into selectionLists. */
  private readonly listIds: Map<string, number>;
  /** The cluster as it would be with staged policies enforced; built lazily by evaluate() (null: none staged). */
  stagedView: Compiled | null | undefined = undefined;

  constructor(cluster: Cluster, policySet: PolicySet, reuse?: CompiledReuse) {
    this.cluster = cluster;
    this.policies = policySet;
    if (reuse !== undefined) {
      // recompile(): the policy side, nodes and namespaces are the previous ones (recompile.ts checks it).
      const prev = reuse.previous;
      this.tiers = prev.tiers;
      this.enforced = prev.enforced;
      this.enforcedTier = prev.enforcedTier;
      this.peers = prev.peers;
      this.subjects = prev.subjects;
      this.nodesByName = prev.nodesByName;
      this.namespacesByName = prev.namespacesByName;
      this.nsSelectorCache = prev.nsSelectorCache;
      this.nsScopeByObject = prev.nsScopeByObject;
      this.policyListCache = prev.policyListCache;
      this.hostIps = prev.hostIps;
      this.pods = cluster.pods;
      this.podIndexByKey = reuse.pods.podIndexByKey;
      this.podByIpMap = reuse.pods.podByIpMap;
      this.podsByNs = reuse.pods.podsByNs;
      this.podIps = reuse.pods.podIps;
      this.selIngress = reuse.selection.selIngress;
      this.selEgress = reuse.selection.selEgress;
      this.selectionLists = reuse.selection.selectionLists;
      this.listIds = reuse.selection.listIds;
      return;
    }
    this.podIndexByKey = new Map();
    this.podByIpMap = new Map();
    this.hostIps = new Map();
    this.nodesByName = new Map();
    this.namespacesByName = new Map();
    this.podsByNs = new Map();
    this.nsSelectorCache = new Map();
    this.nsScopeByObject = new WeakMap();
    this.policyListCache = new Map();
    const problems: string[] = [];

    const tierByName = new Map<string, Tier>();
    for (const t of policySet.tiers) {
      if (tierByName.has(t.name)) problems.push(`tier ${t.name} is defined twice`);
      tierByName.set(t.name, t);
    }
    this.tiers = [...tierByName.values()].sort((a, b) => a.order - b.order || cmp(a.name, b.name));
    const tierIndex = new Map(this.tiers.map((t, i) => [t.name, i]));

    const ids = new Set<string>();
    for (const p of policySet.policies) {
      if (ids.has(p.id)) problems.push(`policy ${p.id} is defined twice`);
      ids.add(p.id);
      if (!tierIndex.has(p.tier)) problems.push(`policy ${p.id} names unknown tier ${p.tier}`);
    }

    for (const ns of cluster.namespaces) this.namespacesByName.set(ns.name, ns);
    for (const n of cluster.nodes) {
      this.nodesByName.set(n.name, n);
      for (const ip of n.ips) this.hostIps.set(ip, n);
    }
    this.pods = cluster.pods;
    const podIps: IpAddress[][] = [];
    cluster.pods.forEach((pod, i) => {
      if (this.podIndexByKey.has(pod.key)) problems.push(`pod ${pod.key} is defined twice`);
      this.podIndexByKey.set(pod.key, i);
      let list = this.podsByNs.get(pod.namespace);
      if (list === undefined) this.podsByNs.set(pod.namespace, (list = []));
      list.push(i);
      const parsed: IpAddress[] = [];
      for (const ip of pod.ips) {
        const a = parseIp(ip);
        if (a === undefined) problems.push(`pod ${pod.key} has invalid IP ${ip}`);
        else parsed.push(a);
        if (pod.hostNetwork) {
          if (!this.hostIps.has(ip)) this.hostIps.set(ip, pod.node === undefined ? undefined : this.nodesByName.get(pod.node));
        } else if (!this.podByIpMap.has(ip)) {
          this.podByIpMap.set(ip, i);
        }
      }
      podIps.push(parsed);
    });
    this.podIps = podIps;

    const peers = new Map<Peer, PreparedPeer>();
    const preparedByKey = new Map<string, PreparedPeer>();
    for (const p of policySet.policies) {
      for (const rule of allRules(p)) {
        for (const peer of [...(rule.peers ?? []), ...(rule.notPeers ?? [])]) {
          const key = peerKey(peer);
          let prepared = preparedByKey.get(key);
          if (prepared === undefined) {
            prepared = this.preparePeer(peer, key, `${p.id} ${peer.path}`, problems);
            preparedByKey.set(key, prepared);
          }
          peers.set(peer, prepared);
        }
      }
    }
    this.peers = peers;

    if (problems.length > 0) throw new EngineError('cannot compile the policy set', problems);

    const enforced = policySet.policies.filter((p) => !p.staged);
    const ti = (p: Policy): number => tierIndex.get(p.tier) ?? 0;
    enforced.sort((a, b) => ti(a) - ti(b) || a.order - b.order || cmp(a.id, b.id));
    this.enforced = enforced;
    this.enforcedTier = Int32Array.from(enforced, ti);

    // Per pod, the enforced policies selecting it; walking policies in evaluation order
    // keeps every pod's list sorted without a per-pod sort.
    const ingressLists: number[][] = cluster.pods.map(() => []);
    const egressLists: number[][] = cluster.pods.map(() => []);
    const subjectCache = new Map<string, { subject: Subject; selected: readonly number[] }>();
    enforced.forEach((p, pi) => {
      if (p.ingress === undefined && p.egress === undefined) return;
      const key = `${namespaceScopeKey(p.subject.namespaces)}|${selectorKey(p.subject.pods)}`;
      let entry = subjectCache.get(key);
      if (entry === undefined) {
        const selected = this.podsInScope(p.subject.namespaces).filter((i) => {
          const pod = cluster.pods[i];
          return pod !== undefined && !pod.hostNetwork && matchSelector(p.subject.pods, pod.labels);
        });
        entry = { subject: { namespaces: p.subject.namespaces, pods: p.subject.pods, ingress: [], egress: [] }, selected };
        subjectCache.set(key, entry);
      }
      if (p.ingress !== undefined) entry.subject.ingress.push(pi);
      if (p.egress !== undefined) entry.subject.egress.push(pi);
      for (const i of entry.selected) {
        if (p.ingress !== undefined) ingressLists[i]?.push(pi);
        if (p.egress !== undefined) egressLists[i]?.push(pi);
      }
    });
    this.subjects = [...subjectCache.values()].map((e) => e.subject);
    const lists: (readonly number[])[] = [];
    this.listIds = new Map<string, number>();
    this.selIngress = Int32Array.from(ingressLists, (l) => internList(lists, this.listIds, l));
    this.selEgress = Int32Array.from(egressLists, (l) => internList(lists, this.listIds, l));
    this.selectionLists = lists;
  }

  /** The indexes recompile() patches instead of rebuilding (read-only use). */
  reusable(): { readonly pods: PodIndexes; readonly selection: SelectionIndexes } {
    return {
      pods: { podIndexByKey: this.podIndexByKey, podByIpMap: this.podByIpMap, podsByNs: this.podsByNs, podIps: this.podIps },
      selection: { selIngress: this.selIngress, selEgress: this.selEgress, selectionLists: this.selectionLists, listIds: this.listIds },
    };
  }

  /** Namespaces that only pods mention (selector results depend on them). */
  podOnlyNamespaces(): Set<string> {
    const out = new Set<string>();
    for (const n of this.podsByNs.keys()) if (!this.namespacesByName.has(n)) out.add(n);
    return out;
  }

  pod(key: string): Pod | undefined {
    const i = this.podIndexByKey.get(key);
    return i === undefined ? undefined : this.pods[i];
  }

  podIndex(key: string): number | undefined {
    return this.podIndexByKey.get(key);
  }

  podByIp(ip: string): Pod | undefined {
    const i = this.podByIpMap.get(ip);
    return i === undefined ? undefined : this.pods[i];
  }

  podIndexByIp(ip: string): number | undefined {
    return this.podByIpMap.get(ip);
  }

  /** Node owning a node address (or a host-network pod's address); `null` when it is not one. */
  hostOfIp(ip: string): Node | undefined | null {
    return this.hostIps.has(ip) ? this.hostIps.get(ip) : null;
  }

  node(name: string): Node | undefined {
    return this.nodesByName.get(name);
  }

  namespace(name: string): Namespace | undefined {
    return this.namespacesByName.get(name);
  }

  /** Labels of a namespace; a namespace only pods mention gets its metadata.name label. */
  namespaceLabels(name: string): Namespace['labels'] {
    return this.namespacesByName.get(name)?.labels ?? { [METADATA_NAME]: name };
  }

  selecting(podKey: string, direction: Direction): readonly Policy[] {
    const i = this.podIndexByKey.get(podKey);
    if (i === undefined) return [];
    const id = (direction === 'ingress' ? this.selIngress : this.selEgress)[i] ?? 0;
    let cached = this.policyListCache.get(id);
    if (cached === undefined) {
      cached = (this.selectionLists[id] ?? []).flatMap((pi) => this.enforced[pi] ?? []);
      this.policyListCache.set(id, cached);
    }
    return cached;
  }

  selectionOf(podIndex: number, direction: Direction): readonly number[] {
    const id = (direction === 'ingress' ? this.selIngress : this.selEgress)[podIndex] ?? 0;
    return this.selectionLists[id] ?? [];
  }

  /** Whether namespace `ns` is in the scope; selector results are cached per canonical key. */
  inScope(scope: NamespaceScope, ns: string): boolean {
    if (scope.kind === 'names') return scope.names.length === 1 ? scope.names[0] === ns : scope.names.includes(ns);
    if (scope.selector.op === 'all') return true;
    let set = this.nsScopeByObject.get(scope);
    if (set === undefined) {
      set = this.namespacesMatching(scope);
      this.nsScopeByObject.set(scope, set);
    }
    return set.has(ns);
  }

  /** Indexes of pods whose namespace is in scope (host-network ones included). */
  podsInScope(scope: NamespaceScope): number[] {
    if (scope.kind === 'names') return [...new Set(scope.names)].flatMap((n) => this.podsByNs.get(n) ?? []);
    if (scope.selector.op === 'all') return this.pods.map((_, i) => i);
    return [...this.namespacesMatching(scope)].flatMap((n) => this.podsByNs.get(n) ?? []);
  }

  private namespacesMatching(scope: NamespaceScope | null): Set<string> {
    const key = scope === null ? '*' : namespaceScopeKey(scope);
    let set = this.nsSelectorCache.get(key);
    if (set === undefined) {
      set = new Set();
      const names = new Set([...this.namespacesByName.keys(), ...this.podsByNs.keys()]);
      for (const n of names) {
        if (scope === null || (scope.kind === 'selector' ? matchSelector(scope.selector, this.namespaceLabels(n)) : scope.names.includes(n))) set.add(n);
      }
      this.nsSelectorCache.set(key, set);
    }
    return set;
  }

  private preparePeer(peer: Peer, key: string, where: string, problems: string[]): PreparedPeer {
    if (peer.kind === 'cidr') {
      const cidr = parseCidr(peer.cidr);
      if (cidr === undefined) problems.push(`${where}: invalid CIDR ${peer.cidr}`);
      const except: Cidr[] = [];
      for (const e of peer.except) {
        const ec = parseCidr(e);
        if (ec === undefined) problems.push(`${where}: invalid except CIDR ${e}`);
        else except.push(ec);
      }
      return cidr === undefined ? { key } : { key, cidr, except };
    }
    if (peer.kind === 'networkSets') {
      const nets: Cidr[] = [];
      for (const set of this.cluster.networkSets) {
        const inScope = peer.namespaces === null
          ? set.namespace === undefined
          : set.namespace !== undefined && this.inScope(peer.namespaces, set.namespace);
        if (!inScope || !matchSelector(peer.selector, set.labels)) continue;
        for (const net of set.nets) {
          const c = parseCidr(net) ?? cidrOfIp(net);
          if (c === undefined) problems.push(`network set ${set.key}: invalid net ${net}`);
          else nets.push(c);
        }
      }
      return { key, nets };
    }
    if (peer.kind === 'service') {
      // Resolved once per distinct peer: matching a remote pod is then a scan of these few.
      const services = this.cluster.services.filter((svc) => (peer.namespace === null || svc.namespace === peer.namespace)
        && (peer.name === undefined || svc.name === peer.name)
        && (peer.selector === undefined || matchSelector(peer.selector, svc.labels)));
      return { key, services };
    }
    return { key };
  }
}

/** One distinct subject (namespace scope + pod selector) of enforced policies. */
export interface Subject {
  readonly namespaces: NamespaceScope;
  readonly pods: Policy['subject']['pods'];
  /** Enforced-policy indexes with this subject and an ingress (egress) section, ascending. */
  readonly ingress: number[];
  readonly egress: number[];
}

export interface PodIndexes {
  readonly podIndexByKey: Map<string, number>;
  readonly podByIpMap: Map<string, number>;
  readonly podsByNs: Map<string, number[]>;
  readonly podIps: readonly (readonly IpAddress[])[];
}

export interface SelectionIndexes {
  readonly selIngress: Int32Array;
  readonly selEgress: Int32Array;
  readonly selectionLists: readonly (readonly number[])[];
  readonly listIds: Map<string, number>;
}

/** What recompile() passes instead of letting the constructor compute it. */
export interface CompiledReuse {
  readonly previous: Compiled;
  readonly pods: PodIndexes;
  readonly selection: SelectionIndexes;
}

/** Whether a subject selects the pod (its namespace in scope, its labels matching, not host-network). */
export function subjectSelects(c: Compiled, subject: { readonly namespaces: NamespaceScope; readonly pods: Policy['subject']['pods'] }, pod: Pod): boolean {
  return !pod.hostNetwork && c.inScope(subject.namespaces, pod.namespace) && matchSelector(subject.pods, pod.labels);
}

/** Index of the list `l` in `lists`, appended (and remembered in `ids`) when new. */
export function internList(lists: (readonly number[])[], ids: Map<string, number>, l: readonly number[]): number {
  const k = l.join(',');
  let id = ids.get(k);
  if (id === undefined) {
    id = lists.length;
    lists.push(l);
    ids.set(k, id);
  }
  return id;
}

function cidrOfIp(text: string): Cidr | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : { family: ip.family, network: ip.value, prefix: ip.family === 4 ? 32 : 128 };
}

export function allRules(p: Policy): readonly Rule[] {
  return [...(p.ingress?.rules ?? []), ...(p.egress?.rules ?? [])];
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compile(cluster: Cluster, policies: PolicySet): CompiledCluster {
  return new Compiled(cluster, policies);
}

/** The engine's view of a CompiledCluster made by `compile`. */
export function internals(c: CompiledCluster): Compiled {
  if (!(c instanceof Compiled)) throw new EngineError('this CompiledCluster was not made by compile()');
  return c;
}
