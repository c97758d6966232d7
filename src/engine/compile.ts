// Compiles a cluster snapshot and a policy set into indexes the evaluator, the matrix and
// the analyzer share: pods by key/IP/namespace, tiers in order, enforced policies in
// evaluation order, and per pod the policies selecting it in each direction. Identical
// subjects are resolved once (canonical selector keys), and `names`-scoped subjects only
// look at pods of those namespaces, so compile stays near linear in pods + policies.
//
// Pods live in slots: compile() puts pod i of the cluster in slot i; recompile()
// (recompile.ts) keeps every unchanged pod in its slot, so its `pods` may be in another
// order than `cluster.pods`. Everything that looks pods up goes through the slot indexes;
// results never depend on the slot order (an address two pods hold belongs to the first
// in the cluster's order, as evaluate() needs). recompile() updates the indexes of the
// compile it starts from in place and retires that one: a retired Compiled refuses to
// answer (internals() throws), so nothing reads indexes that moved on.
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

/** The label the API server sets on every namespace; a namespace only pods name has just this one. */
export const METADATA_NAME = 'kubernetes.io/metadata.name';

export function peerKey(p: Peer): string {
  switch (p.kind) {
    case 'pods': {
      const sa = p.serviceAccounts === undefined ? ''
        : `;sa(${JSON.stringify([...new Set(p.serviceAccounts.names ?? ['*'])].sort())};${p.serviceAccounts.selector === undefined ? '*' : selectorKey(p.serviceAccounts.selector)})`;
      return `pods(${namespaceScopeKey(p.namespaces)};${selectorKey(p.pods)}${sa})`;
    }
    case 'cidr': return `cidr(${p.cidr};${[...p.except].sort().join(',')};${p.matchesPods ? 'pods' : 'nopods'}${p.matchesNodes === false ? ';nonodes' : ''})`;
    case 'fqdn': return `fqdn(${p.pattern})`;
    case 'entity': return `entity(${p.entity})`;
    case 'nodes': return `nodes(${selectorKey(p.selector)})`;
    case 'networkSets': return `sets(${p.namespaces === null ? 'global' : namespaceScopeKey(p.namespaces)};${selectorKey(p.selector)})`;
    case 'service': return `service(${p.namespace ?? '*'};${p.name === undefined ? '' : JSON.stringify(p.name)};${p.selector === undefined ? '' : selectorKey(p.selector)})`;
  }
}

/**
 * What a compile() and every recompile() made from it share: caches that depend only on
 * namespaces, nodes, network sets and services (recompile() falls back to compile() when
 * any of them changes, except Namespace objects relabelled, created or deleted: it then
 * updates the namespaces and the selector caches in place, namespace-change.ts) and on
 * immutable policy objects. Also a
 * token: two Compiled of one lineage number their pods' slots the same way.
 */
export interface Lineage {
  readonly namespacesByName: Map<string, Namespace>;
  readonly nodesByName: ReadonlyMap<string, Node>;
  /** Node addresses and host-network pod addresses → node (undefined: a host-network pod without a known node). */
  readonly hostIps: ReadonlyMap<string, Node | undefined>;
  /** Namespace names each selector scope matches, by canonical scope key (the scope kept to match relabelled namespaces again). */
  readonly nsSelectorCache: Map<string, ScopeMatch>;
  /** The same name sets by scope object, so the hot path skips building canonical keys. */
  readonly nsScopeByObject: WeakMap<NamespaceScope, Set<string>>;
  /** Canonical subject key of each policy object seen. */
  readonly subjectKeys: WeakMap<Policy, string>;
  /** Bumped by every recompile() of the lineage; the newest Compiled carries the current one. */
  version: number;
  /** The slots each recent recompile() changed (a pod put in, moved in or taken out, or its namespace relabelled), and the namespaces it moved, oldest first; bounded. */
  readonly journal: JournalEntry[];
}

/** A selector scope and the names of the namespaces it matches (shared with nsScopeByObject: patched in place). */
export interface ScopeMatch {
  readonly scope: NamespaceScope;
  readonly names: Set<string>;
}

/**
 * One recompile(): the version it made, the slots whose pod it changed or whose
 * namespace it relabelled, the namespaces whose labels or existence changed, and the
 * policy objects that came and went.
 */
export interface JournalEntry {
  readonly version: number;
  readonly slots: readonly number[];
  /**
   * Namespaces whose labels changed (their pods' slots are in `slots`), and namespaces
   * created or deleted (no pod of theirs was selected differently: pods there are new).
   */
  readonly namespaces: readonly string[];
  readonly added: readonly Policy[];
  readonly removed: readonly Policy[];
}

/** Journal entries kept per lineage; a reader further behind rebuilds from scratch. */
export const JOURNAL_LENGTH = 64;

/** One distinct subject (namespace scope + pod selector) of enforced policies. */
export interface Subject {
  readonly key: string;
  readonly namespaces: NamespaceScope;
  readonly pods: Policy['subject']['pods'];
  /** Enforced-policy indexes with this subject and an ingress (egress) section, ascending. */
  readonly ingress: number[];
  readonly egress: number[];
}

/** The distinct subjects of the enforced policies, by key and by the namespaces they name (`names` scopes) or not (selector scopes). */
export class SubjectIndex {
  readonly byKey = new Map<string, Subject>();
  readonly byNamespace = new Map<string, Set<Subject>>();
  readonly bySelector = new Set<Subject>();

  static build(lineage: Lineage, enforced: readonly Policy[]): SubjectIndex {
    const index = new SubjectIndex();
    enforced.forEach((p, pi) => index.add(lineage, p, pi));
    return index;
  }

  /** Enters policy `p` at enforced index `pi` (indexes of one subject stay ascending). */
  add(lineage: Lineage, p: Policy, pi: number): void {
    if (p.ingress === undefined && p.egress === undefined) return;
    const key = subjectKeyOf(lineage, p);
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = { key, namespaces: p.subject.namespaces, pods: p.subject.pods, ingress: [], egress: [] };
      this.byKey.set(key, s);
      if (s.namespaces.kind === 'selector') this.bySelector.add(s);
      else {
        for (const n of new Set(s.namespaces.names)) {
          let l = this.byNamespace.get(n);
          if (l === undefined) this.byNamespace.set(n, (l = new Set()));
          l.add(s);
        }
      }
    }
    if (p.ingress !== undefined) insertSorted(s.ingress, pi);
    if (p.egress !== undefined) insertSorted(s.egress, pi);
  }

  /** Takes policy `p` at enforced index `pi` out; a subject left without policies goes. */
  remove(lineage: Lineage, p: Policy, pi: number): void {
    const s = this.byKey.get(subjectKeyOf(lineage, p));
    if (s === undefined) return;
    for (const l of [s.ingress, s.egress]) {
      const at = l.indexOf(pi);
      if (at >= 0) l.splice(at, 1);
    }
    if (s.ingress.length > 0 || s.egress.length > 0) return;
    this.byKey.delete(s.key);
    this.bySelector.delete(s);
    if (s.namespaces.kind === 'names') {
      for (const n of new Set(s.namespaces.names)) {
        const l = this.byNamespace.get(n);
        l?.delete(s);
        if (l?.size === 0) this.byNamespace.delete(n);
      }
    }
  }
}

function insertSorted(l: number[], v: number): void {
  let at = l.length;
  while (at > 0 && (l[at - 1] ?? 0) > v) at--;
  if (l[at - 1] !== v) l.splice(at, 0, v);
}

/** Interned selection lists (ascending enforced-policy indexes); recompile() appends to it. */
export class ListStore {
  readonly lists: (readonly number[])[] = [];
  readonly ids = new Map<string, number>();
  /** Policy objects of each list (for selecting()); valid while `enforced` is the same. */
  readonly policyLists = new Map<number, readonly Policy[]>();

  intern(l: readonly number[]): number {
    return internList(this.lists, this.ids, l);
  }
}

/** Every index of a Compiled; compile() builds it, recompile() updates it in place. */
export interface CompiledState {
  readonly lineage: Lineage;
  readonly version: number;
  /** Tiers sorted by (order, name). */
  readonly tiers: readonly Tier[];
  readonly enforced: readonly Policy[];
  readonly enforcedTier: Int32Array;
  readonly peers: Map<Peer, PreparedPeer>;
  /** How many rule slots of the policies hold each peer object (policies may share them). */
  readonly peerUses: Map<Peer, number>;
  /** Every policy (staged too) by id. */
  readonly policyById: Map<string, Policy>;
  readonly subjects: SubjectIndex;
  /** Pods by slot. */
  readonly pods: Pod[];
  readonly podIps: (readonly IpAddress[])[];
  readonly keyToSlot: Map<string, number>;
  /** Address → slot of the first non host-network pod (in cluster order) holding it. */
  readonly ipToSlot: Map<string, number>;
  readonly slotsByNs: Map<string, number[]>;
  /** Addresses held by two or more non host-network pods: recompile() leaves changes touching them to compile(). */
  readonly sharedIps: ReadonlySet<string>;
  readonly store: ListStore;
  readonly selIngress: number[];
  readonly selEgress: number[];
}

/** The implementation behind CompiledCluster; other engine modules read its indexes. */
export class Compiled implements CompiledCluster {
  readonly cluster: Cluster;
  readonly policies: PolicySet;
  readonly state: CompiledState;
  /** Tiers sorted by (order, name). */
  readonly tiers: readonly Tier[];
  /** Enforced (non-staged) policies in evaluation order: tier order, then (order, id). */
  readonly enforced: readonly Policy[];
  /** Tier index (into `tiers`) of each enforced policy. */
  readonly enforcedTier: Int32Array;
  /** Pods by slot (see the top of this file). */
  readonly pods: readonly Pod[];
  readonly podIps: readonly (readonly IpAddress[])[];
  /** Interned lists of enforced-policy indexes; `selIngress[slot]` indexes into it. */
  readonly selectionLists: readonly (readonly number[])[];
  readonly selIngress: readonly number[];
  readonly selEgress: readonly number[];
  /** Peers of enforced and staged policies, prepared. */
  readonly peers: ReadonlyMap<Peer, PreparedPeer>;
  /** The cluster as it would be with staged policies enforced; built lazily by evaluate() (null: none staged). */
  stagedView: Compiled | null | undefined = undefined;
  readonly #scopes: ScopeView;
  #retired = false;

  constructor(cluster: Cluster, policySet: PolicySet, state?: CompiledState) {
    this.cluster = cluster;
    this.policies = policySet;
    const s = state ?? freshState(cluster, policySet);
    this.state = s;
    this.tiers = s.tiers;
    this.enforced = s.enforced;
    this.enforcedTier = s.enforcedTier;
    this.pods = s.pods;
    this.podIps = s.podIps;
    this.selectionLists = s.store.lists;
    this.selIngress = s.selIngress;
    this.selEgress = s.selEgress;
    this.peers = s.peers;
    this.#scopes = new ScopeView(s.lineage, s.slotsByNs, s.pods);
  }

  get lineage(): Lineage {
    return this.state.lineage;
  }

  /** Whether a recompile() took over this compile's indexes (they now describe another cluster). */
  get retired(): boolean {
    return this.#retired;
  }

  /** Called by recompile() when it takes over the indexes. */
  retire(): void {
    this.#retired = true;
  }

  /** Throws when retired: every entry point calls it, so stale indexes are never read. */
  live(): this {
    if (this.#retired) throw new EngineError('this compiled cluster was superseded by recompile(), which updated its indexes in place; use the one recompile() returned');
    return this;
  }

  pod(key: string): Pod | undefined {
    this.live();
    const i = this.state.keyToSlot.get(key);
    return i === undefined ? undefined : this.pods[i];
  }

  podIndex(key: string): number | undefined {
    return this.state.keyToSlot.get(key);
  }

  podByIp(ip: string): Pod | undefined {
    this.live();
    const i = this.state.ipToSlot.get(ip);
    return i === undefined ? undefined : this.pods[i];
  }

  podIndexByIp(ip: string): number | undefined {
    return this.state.ipToSlot.get(ip);
  }

  /** Node owning a node address (or a host-network pod's address); `null` when it is not one. */
  hostOfIp(ip: string): Node | undefined | null {
    const hostIps = this.state.lineage.hostIps;
    return hostIps.has(ip) ? hostIps.get(ip) : null;
  }

  node(name: string): Node | undefined {
    return this.state.lineage.nodesByName.get(name);
  }

  namespace(name: string): Namespace | undefined {
    this.live();
    return this.state.lineage.namespacesByName.get(name);
  }

  /** Labels of a namespace; a namespace only pods mention gets its metadata.name label. */
  namespaceLabels(name: string): Namespace['labels'] {
    return this.state.lineage.namespacesByName.get(name)?.labels ?? { [METADATA_NAME]: name };
  }

  /** Namespaces that only pods mention (selector results depend on them). */
  podOnlyNamespaces(): Set<string> {
    const out = new Set<string>();
    for (const n of this.state.slotsByNs.keys()) if (!this.state.lineage.namespacesByName.has(n)) out.add(n);
    return out;
  }

  selecting(podKey: string, direction: Direction): readonly Policy[] {
    this.live();
    const i = this.state.keyToSlot.get(podKey);
    if (i === undefined) return [];
    const id = (direction === 'ingress' ? this.selIngress : this.selEgress)[i] ?? 0;
    const cache = this.state.store.policyLists;
    let cached = cache.get(id);
    if (cached === undefined) {
      cached = (this.selectionLists[id] ?? []).flatMap((pi) => this.enforced[pi] ?? []);
      cache.set(id, cached);
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
    const lineage = this.state.lineage;
    let set = lineage.nsScopeByObject.get(scope);
    if (set === undefined) {
      set = this.#scopes.namespacesMatching(scope);
      lineage.nsScopeByObject.set(scope, set);
    }
    return set.has(ns);
  }

  /** Slots of pods whose namespace is in scope (host-network ones included). */
  podsInScope(scope: NamespaceScope): number[] {
    return this.#scopes.podsInScope(scope);
  }
}

/** The canonical key of a policy's subject, cached per policy object. */
export function subjectKeyOf(lineage: Lineage, p: Policy): string {
  let key = lineage.subjectKeys.get(p);
  if (key === undefined) {
    key = `${namespaceScopeKey(p.subject.namespaces)}|${selectorKey(p.subject.pods)}`;
    lineage.subjectKeys.set(p, key);
  }
  return key;
}

/** Whether a subject selects the pod (its namespace in scope, its labels matching, not host-network). */
export function subjectSelects(c: Compiled, subject: { readonly namespaces: NamespaceScope; readonly pods: Policy['subject']['pods'] }, pod: Pod): boolean {
  return !pod.hostNetwork && c.inScope(subject.namespaces, pod.namespace) && matchSelector(subject.pods, pod.labels);
}

/** The enforced-policy indexes selecting `pod` per direction, from the subject index. */
export function selectionFor(c: Compiled, index: SubjectIndex, pod: Pod): { ingress: number[]; egress: number[] } {
  const ingress: number[] = [];
  const egress: number[] = [];
  if (pod.hostNetwork) return { ingress, egress };
  const visit = (s: Subject): void => {
    if (!subjectSelects(c, s, pod)) return;
    for (const pi of s.ingress) ingress.push(pi);
    for (const pi of s.egress) egress.push(pi);
  };
  for (const s of index.byNamespace.get(pod.namespace) ?? []) visit(s);
  for (const s of index.bySelector) visit(s);
  ingress.sort((a, b) => a - b);
  egress.sort((a, b) => a - b);
  return { ingress, egress };
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

/** Prepares one peer: parsed CIDRs, the nets of matching network sets, the Services it names. */
export function preparePeer(cluster: Cluster, inScope: (scope: NamespaceScope, ns: string) => boolean, peer: Peer, key: string, where: string, problems: string[]): PreparedPeer {
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
    for (const set of cluster.networkSets) {
      const scoped = peer.namespaces === null
        ? set.namespace === undefined
        : set.namespace !== undefined && inScope(peer.namespaces, set.namespace);
      if (!scoped || !matchSelector(peer.selector, set.labels)) continue;
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
    const services = cluster.services.filter((svc) => (peer.namespace === null || svc.namespace === peer.namespace)
      && (peer.name === undefined || svc.name === peer.name)
      && (peer.selector === undefined || matchSelector(peer.selector, svc.labels)));
    return { key, services };
  }
  return { key };
}

/** Tiers in walk order; duplicate names are problems. */
export function sortTiers(tiers: readonly Tier[], problems: string[]): Tier[] {
  const tierByName = new Map<string, Tier>();
  for (const t of tiers) {
    if (tierByName.has(t.name)) problems.push(`tier ${t.name} is defined twice`);
    tierByName.set(t.name, t);
  }
  return [...tierByName.values()].sort((a, b) => a.order - b.order || cmp(a.name, b.name));
}

/** Enforced policies in evaluation order: tier, then (order, id). */
export function sortEnforced(policies: readonly Policy[], tierIndex: ReadonlyMap<string, number>): { enforced: Policy[]; enforcedTier: Int32Array } {
  const enforced = policies.filter((p) => !p.staged);
  const ti = (p: Policy): number => tierIndex.get(p.tier) ?? 0;
  enforced.sort((a, b) => ti(a) - ti(b) || a.order - b.order || cmp(a.id, b.id));
  return { enforced, enforcedTier: Int32Array.from(enforced, ti) };
}

function freshState(cluster: Cluster, policySet: PolicySet): CompiledState {
  const problems: string[] = [];
  const tiers = sortTiers(policySet.tiers, problems);
  const tierIndex = new Map(tiers.map((t, i) => [t.name, i]));
  const ids = new Set<string>();
  for (const p of policySet.policies) {
    if (ids.has(p.id)) problems.push(`policy ${p.id} is defined twice`);
    ids.add(p.id);
    if (!tierIndex.has(p.tier)) problems.push(`policy ${p.id} names unknown tier ${p.tier}`);
  }

  const namespacesByName = new Map<string, Namespace>();
  const nodesByName = new Map<string, Node>();
  const hostIps = new Map<string, Node | undefined>();
  for (const ns of cluster.namespaces) namespacesByName.set(ns.name, ns);
  for (const n of cluster.nodes) {
    nodesByName.set(n.name, n);
    for (const ip of n.ips) hostIps.set(ip, n);
  }
  const keyToSlot = new Map<string, number>();
  const ipToSlot = new Map<string, number>();
  const sharedIps = new Set<string>();
  const slotsByNs = new Map<string, number[]>();
  const podIps: IpAddress[][] = [];
  cluster.pods.forEach((pod, i) => {
    if (keyToSlot.has(pod.key)) problems.push(`pod ${pod.key} is defined twice`);
    keyToSlot.set(pod.key, i);
    let list = slotsByNs.get(pod.namespace);
    if (list === undefined) slotsByNs.set(pod.namespace, (list = []));
    list.push(i);
    const parsed: IpAddress[] = [];
    for (const ip of pod.ips) {
      const a = parseIp(ip);
      if (a === undefined) problems.push(`pod ${pod.key} has invalid IP ${ip}`);
      else parsed.push(a);
      if (pod.hostNetwork) {
        if (!hostIps.has(ip)) hostIps.set(ip, pod.node === undefined ? undefined : nodesByName.get(pod.node));
      } else if (!ipToSlot.has(ip)) {
        ipToSlot.set(ip, i);
      } else if (ipToSlot.get(ip) !== i) {
        sharedIps.add(ip);
      }
    }
    podIps.push(parsed);
  });
  const lineage: Lineage = {
    namespacesByName, nodesByName, hostIps, nsSelectorCache: new Map(), nsScopeByObject: new WeakMap(), subjectKeys: new WeakMap(), version: 0, journal: [],
  };
  // A view for the helpers that need scope matching before the Compiled exists.
  const scopes = new ScopeView(lineage, slotsByNs, cluster.pods);

  const peers = new Map<Peer, PreparedPeer>();
  const peerUses = new Map<Peer, number>();
  const preparedByKey = new Map<string, PreparedPeer>();
  for (const p of policySet.policies) {
    for (const rule of allRules(p)) {
      for (const peer of [...(rule.peers ?? []), ...(rule.notPeers ?? [])]) {
        peerUses.set(peer, (peerUses.get(peer) ?? 0) + 1);
        const key = peerKey(peer);
        let prepared = preparedByKey.get(key);
        if (prepared === undefined) {
          prepared = preparePeer(cluster, (scope, ns) => scopes.inScope(scope, ns), peer, key, `${p.id} ${peer.path}`, problems);
          preparedByKey.set(key, prepared);
        }
        peers.set(peer, prepared);
      }
    }
  }
  if (problems.length > 0) throw new EngineError('cannot compile the policy set', problems);

  const { enforced, enforcedTier } = sortEnforced(policySet.policies, tierIndex);
  const subjects = SubjectIndex.build(lineage, enforced);

  // Per pod, the enforced policies selecting it; walking subjects in order of their first
  // policy and sorting each pod's list at the end keeps every list in evaluation order.
  const ingressLists: number[][] = cluster.pods.map(() => []);
  const egressLists: number[][] = cluster.pods.map(() => []);
  for (const s of subjects.byKey.values()) {
    const selected = scopes.podsInScope(s.namespaces).filter((i) => {
      const pod = cluster.pods[i];
      return pod !== undefined && !pod.hostNetwork && matchSelector(s.pods, pod.labels);
    });
    for (const i of selected) {
      for (const pi of s.ingress) ingressLists[i]?.push(pi);
      for (const pi of s.egress) egressLists[i]?.push(pi);
    }
  }
  const store = new ListStore();
  const intern = (l: number[]): number => {
    if (l.length > 1) l.sort((a, b) => a - b);
    return store.intern(l);
  };
  return {
    lineage, version: 0, tiers, enforced, enforcedTier, peers, peerUses, policyById: new Map(policySet.policies.map((p) => [p.id, p])), subjects,
    pods: [...cluster.pods], podIps, keyToSlot, ipToSlot, slotsByNs, sharedIps,
    store, selIngress: ingressLists.map(intern), selEgress: egressLists.map(intern),
  };
}

/** Namespace-scope matching over a lineage and a pod index, before (or apart from) a Compiled. */
export class ScopeView {
  readonly #lineage: Lineage;
  readonly #slotsByNs: ReadonlyMap<string, readonly number[]>;
  readonly #pods: readonly Pod[];

  constructor(lineage: Lineage, slotsByNs: ReadonlyMap<string, readonly number[]>, pods: readonly Pod[]) {
    this.#lineage = lineage;
    this.#slotsByNs = slotsByNs;
    this.#pods = pods;
  }

  inScope(scope: NamespaceScope, ns: string): boolean {
    if (scope.kind === 'names') return scope.names.includes(ns);
    if (scope.selector.op === 'all') return true;
    return this.namespacesMatching(scope).has(ns);
  }

  podsInScope(scope: NamespaceScope): number[] {
    if (scope.kind === 'names') return [...new Set(scope.names)].flatMap((n) => this.#slotsByNs.get(n) ?? []);
    if (scope.selector.op === 'all') return this.#pods.map((_, i) => i);
    return [...this.namespacesMatching(scope)].flatMap((n) => this.#slotsByNs.get(n) ?? []);
  }

  /** Names of the namespaces (defined, or named by pods) a selector scope matches; cached in the lineage. */
  namespacesMatching(scope: NamespaceScope): Set<string> {
    const key = namespaceScopeKey(scope);
    const cache = this.#lineage.nsSelectorCache;
    let entry = cache.get(key);
    if (entry === undefined) {
      const set = new Set<string>();
      const names = new Set([...this.#lineage.namespacesByName.keys(), ...this.#slotsByNs.keys()]);
      for (const n of names) {
        const labels = this.#lineage.namespacesByName.get(n)?.labels ?? { [METADATA_NAME]: n };
        if (scope.kind === 'selector' ? matchSelector(scope.selector, labels) : scope.names.includes(n)) set.add(n);
      }
      entry = { scope, names: set };
      cache.set(key, entry);
    }
    return entry.names;
  }
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
  return c.live();
}
