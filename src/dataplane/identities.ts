// Numeric identities for addresses: every pod address, node address and outside region
// gets the number of its class, where a class holds the addresses that no policy of the
// snapshot can tell apart (same selecting policies, same peer memberships, same named
// ports). Outside addresses are cut into regions at every CIDR/except/network-set
// boundary. A class's signature (sig) is a canonical text of all that, so equal sigs mean
// equal classes whatever the history.
//
// IdentityIndex keeps all of it between plans and follows changes instead of
// recomputing: the pods in the slots a recompile() changed (compile.ts journal) are
// reclassified, and a policy change reclassifies only the pods it can affect — groups of
// pods (namespace, labels, service account) a new or gone pod peer matches, groups a
// changed policy selects, addresses inside a new or gone CIDR — and a namespace
// relabelled, created or deleted the groups of that namespace (groups outlive their pods:
// a namespace deleted and created again must not keep its namesake's memberships) and
// the addresses of network-set nets it moved, with classes and group memberships cached. Everything else (a new compile lineage, named
// ports or entities appearing or going) rebuilds the index, keeping the numbering.
//
// Numbering: a class that survives keeps its number; numbers of classes that went are
// reused, lowest first, by new classes taken in sig order, so identity numbers stay
// below the number of classes alive at once (the dataplane has 20 bits for them) and a
// plan numbers exactly as a plan from scratch given the same previous numbering would.
import type { Compiled } from '../engine/compile.ts';
import { LayeredMap } from '../engine/layered-map.ts';
import { peerMatches, serviceAccountMatches, serviceBackend } from '../engine/match-peer.ts';
import { matchSelector } from '../engine/match-selector.ts';
import { remoteOfAddress } from '../engine/remote.ts';
import type { Pod } from '../model/cluster.ts';
import { cidrContainsIp, cidrLast, formatIp, parseIp, sameCidrs } from '../model/ip.ts';
import { labelsKey } from '../model/labels.ts';
import type { Cidr, IpAddress, IpFamily } from '../model/ip.ts';
import type { Peer } from '../model/peer.ts';
import type { Policy } from '../model/policy.ts';
import { addressKey, AddressVersion } from './address-versions.ts';
import type { KeyedChange } from './address-versions.ts';
import type { AddressIdentity, Numbering, RegionIdentity } from './ruleset.ts';

/** One class of addresses and the number it goes by. */
export interface Identity {
  /** 0 until numbered; a class that went keeps the number it had (rows take its cells out by it). */
  id: number;
  readonly sig: string;
  readonly kind: 'pod' | 'host' | 'region';
  readonly family: IpFamily;
  /** Ids (IdentityIndex.peerTable) of the peers its addresses match, ascending. */
  readonly membership: readonly number[];
  /** Pods with addresses in the class, with how many each (pod classes only). */
  readonly pods: Map<Pod, number>;
  /** The last pod seen in the class (its named ports are the class's), kept after the class went. */
  rep: Pod | undefined;
  /** Addresses in the class (pods, hosts), or intervals (regions). */
  count: number;
  /** Regions: intervals with an address that no pod or node holds (a packet can come from it). */
  free: number;
}

/** What changed in one update. */
export interface IdentityChanges {
  /** Classes that got a number (new, or back). */
  readonly born: readonly Identity[];
  /** Classes that went; their `id` is the number they had. */
  readonly died: readonly Identity[];
  /** The index was rebuilt (new lineage, first plan, or a policy change that touches every class). */
  readonly rebuilt: boolean;
}

/**
 * Which slots to follow: every one, or those a recompile() journaled; whether the policy
 * side may have changed; and the namespaces relabelled, created or deleted (their groups'
 * memberships and network-set peers' nets are worked out again).
 */
export type IndexUpdate =
  | { readonly all: true }
  | { readonly all: false; readonly slots: Iterable<number>; readonly policies: PolicyDelta; readonly namespaces?: readonly string[] };

/** Policy objects that came into and went out of the policy list (staged ones too). */
export interface PolicyDelta {
  readonly added: readonly Policy[];
  readonly removed: readonly Policy[];
}

interface PeerEntry {
  readonly key: string;
  peer: Peer;
  /** Address peers: the nets (and excepts) a pod address must be in, to find pods in them when the peer comes or goes. */
  nets: readonly Cidr[];
}

interface Group {
  readonly key: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Pod, service and entity peers matching the group's pods, ascending ids. */
  membership: number[];
  readonly classes: Set<string>;
  /** Slots of the group's pods. */
  readonly slots: Set<number>;
}

interface PodClass {
  readonly key: string;
  readonly group: Group;
  readonly sig: string;
  readonly membership: readonly number[];
}

interface AddrEntry {
  readonly ip: IpAddress;
  readonly text: string;
  readonly cls: PodClass;
  /** The address is its pod's: an address two pods hold is the first one's. */
  readonly kept: boolean;
}

interface SlotEntry {
  readonly pod: Pod;
  readonly group: Group | undefined;
  readonly addrs: readonly AddrEntry[];
}

interface HostEntry {
  readonly ip: IpAddress;
  readonly text: string;
  readonly identity: Identity;
}

/** The elementary intervals of one family and which peers contain each. */
interface Space {
  readonly intervals: ReadonlyArray<readonly [bigint, bigint]>;
  readonly firsts: readonly bigint[];
  /** Peers containing the interval, as an outside address sees them. */
  readonly regionMembers: ReadonlyArray<readonly number[]>;
  /** Peers containing the interval, as a pod address sees them (ipBlocks that match pods, network sets). */
  readonly podMembers: ReadonlyArray<readonly number[]>;
  readonly regionSigs: readonly string[];
  /** Whether each interval has an address outside pods and nodes. */
  readonly hasFree: Uint8Array;
}

/** Sorted addresses of one family: items and their values (IPv4 as numbers). */
interface Sorted {
  readonly items: AddressIdentity[];
  readonly keys: Array<number | bigint>;
}

const MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

export class IdentityIndex {
  /** Distinct non-FQDN peers by canonical key; ids are never reused within the index. */
  readonly peerIds = new Map<string, number>();
  readonly peerTable: Array<PeerEntry | undefined> = [];
  /** Live identities by sig and by number. */
  bySig = new Map<string, Identity>();
  /** Region identities among them. */
  readonly regionIds = new Set<Identity>();
  readonly byId = new Map<number, Identity>();
  /** The current numbering (sig → number of every live class). */
  numbers: LayeredMap<string, number>;
  /** One more than the highest number in use. */
  high: number;
  /** Every address with its identity: the version of the last update (address-versions.ts). */
  addresses: AddressVersion = AddressVersion.of([]);
  regions: readonly RegionIdentity[] = [];
  /** This node's pods' addresses, sorted. */
  local: readonly AddressIdentity[] = [];

  readonly #isLocal: (pod: Pod) => boolean;
  #free: number[] = [];
  #namedPortNames = new Set<string>();
  /** Named ports the enforced policies name, with how many port entries name each. */
  #portNameRefs = new Map<string, number>();
  /** Per peer key, the peer objects of the policies with that key and how many rule slots hold each (a live one stands for the key). */
  #peerRefs = new Map<string, Map<Peer, number>>();
  /** Canonical key of each peer object met. */
  #peerKeys = new WeakMap<Peer, string>();
  #podPeersByNs = new Map<string, number[]>();
  #podPeersAnyNs: number[] = [];
  #groups = new Map<string, Group>();
  #groupsByNs = new Map<string, Set<Group>>();
  #classes = new Map<string, PodClass>();
  #slots: Array<SlotEntry | undefined> = [];
  #hosts: HostEntry[] = [];
  #spaces: Record<IpFamily, Space> | undefined;
  #sorted: Record<IpFamily, Sorted> = { 4: { items: [], keys: [] }, 6: { items: [], keys: [] } };
  #localItems = new Map<string, AddressIdentity>();

  constructor(previous: Numbering, isLocal: (pod: Pod) => boolean) {
    this.#isLocal = isLocal;
    this.numbers = LayeredMap.of(previous.identities);
    const used = new Set(previous.identities.values());
    let high = Math.max(1, previous.nextIdentity);
    for (const id of used) if (id >= high) high = id + 1;
    this.high = high;
    for (let id = 1; id < high; id++) if (!used.has(id)) this.#free.push(id);
  }

  /** Identities of a pod's addresses in `family`. */
  identitiesOfPod(slot: number, family: IpFamily): Identity[] {
    const out: Identity[] = [];
    for (const a of this.#slots[slot]?.addrs ?? []) {
      if (!a.kept || a.ip.family !== family) continue;
      const id = this.bySig.get(a.cls.sig);
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  update(c: Compiled, change: IndexUpdate): IdentityChanges {
    const before = this.bySig;
    const touched = new Set<Identity>();
    let rebuild = change.all;
    let slots: Iterable<number> = change.all ? [] : change.slots;
    // Slots whose classes must be worked out again even if their pod did not change.
    let force: ReadonlySet<number> = new Set();
    let hostsDirty = change.all;
    let regionsDirty = change.all;
    if (!change.all && (change.policies.added.length > 0 || change.policies.removed.length > 0)) {
      const p = this.#policySide(c, change.policies);
      if (p.rebuild) rebuild = true;
      else {
        hostsDirty = p.hosts;
        regionsDirty = p.regions;
        if (p.groups.size > 0 || p.ranges.length > 0) {
          force = new Set(this.#slotsOf(c, p.groups, p.ranges));
          slots = [...new Set([...change.slots, ...force])];
        }
      }
    }
    if (!change.all && !rebuild && (change.namespaces?.length ?? 0) > 0) {
      const r = this.#relabelled(c, change.namespaces ?? []);
      if (r.nets) {
        hostsDirty = true;
        regionsDirty = true;
      }
      force = new Set([...force, ...this.#slotsOf(c, r.groups, r.ranges)]);
      slots = [...new Set([...slots, ...force])];
    }
    // Groups and classes of pods long gone accumulate: start afresh once they outnumber the pods.
    if (this.#groups.size + this.#classes.size > 4 * c.pods.length + 10_000) rebuild = true;
    if (rebuild) {
      this.#reset(c);
      slots = c.pods.keys();
      hostsDirty = true;
      regionsDirty = true;
    }
    const addrChanges = new AddressChanges();
    this.#reclassify(c, slots, force, touched, addrChanges);
    if (hostsDirty) this.#refreshHosts(c, touched, addrChanges);
    if (regionsDirty) this.#refreshRegions(c, touched);
    const { born, died } = this.#number(touched, rebuild ? before : undefined);
    this.#publish(addrChanges, regionsDirty, rebuild);
    return { born, died, rebuilt: rebuild };
  }

  // ---- policy side ----

  /** Brings peers, named ports and regions up to date; says which groups and address ranges changed, or that only a rebuild is exact. */
  #policySide(c: Compiled, delta: PolicyDelta): { rebuild: boolean; hosts: boolean; regions: boolean; groups: Set<Group>; ranges: Cidr[] } {
    const groups = new Set<Group>();
    const ranges: Cidr[] = [];
    const all = { rebuild: true, hosts: true, regions: true, groups, ranges };
    // Named ports are part of every class: a name coming or going reclassifies everything.
    const names = new Map(this.#portNameRefs);
    for (const p of delta.removed) if (!p.staged) countPortNames(names, p, -1);
    for (const p of delta.added) if (!p.staged) countPortNames(names, p, 1);
    for (const [k, n] of names) if (n <= 0) names.delete(k);
    if (!sameSet(new Set(names.keys()), this.#namedPortNames)) return all;
    this.#portNameRefs = names;

    // Peer keys: a key comes with its first peer object and goes with its last.
    const cameKeys = new Map<string, Peer>();
    const touchedKeys = new Set<string>();
    for (const p of delta.added) {
      for (const peer of peersOf(p)) {
        const key = c.peers.get(peer)?.key;
        if (key === undefined || peer.kind === 'fqdn') continue;
        this.#countPeerRef(peer, key);
        touchedKeys.add(key);
        if (!this.peerIds.has(key)) cameKeys.set(key, peer);
      }
    }
    for (const p of delta.removed) {
      for (const peer of peersOf(p)) {
        const key = this.#peerKeys.get(peer);
        const refs = key === undefined ? undefined : this.#peerRefs.get(key);
        if (key === undefined || refs === undefined) continue;
        const n = (refs.get(peer) ?? 0) - 1;
        if (n > 0) refs.set(peer, n);
        else refs.delete(peer);
        touchedKeys.add(key);
      }
    }
    const added: number[] = [];
    const removed: number[] = [];
    for (const key of touchedKeys) {
      const refs = this.#peerRefs.get(key);
      const id = this.peerIds.get(key);
      const rep = refs === undefined ? undefined : first(refs.keys());
      if (rep === undefined) {
        this.#peerRefs.delete(key);
        if (id === undefined) continue;
        if (this.peerTable[id]?.peer.kind === 'entity') return all;
        removed.push(id);
      } else if (id === undefined) {
        if (rep.kind === 'entity') return all;
        added.push(this.#addPeer(c, key, cameKeys.get(key) ?? rep));
      } else {
        const e = this.peerTable[id];
        if (e !== undefined) e.peer = rep;
      }
    }
    let hosts = false;
    let regions = false;
    for (const id of [...added, ...removed]) {
      const e = this.peerTable[id];
      if (e === undefined) continue;
      const kind = e.peer.kind;
      if (kind === 'pods' || kind === 'service') continue;
      hosts = true;
      if (kind === 'cidr' || kind === 'networkSets') {
        regions = true;
        if (kind === 'networkSets' || (e.peer.kind === 'cidr' && e.peer.matchesPods)) ranges.push(...e.nets);
      }
    }
    // Group memberships: a new pod or service peer joins the groups it matches, a gone one leaves.
    for (const id of added) {
      const e = this.peerTable[id];
      if (e === undefined || (e.peer.kind !== 'pods' && e.peer.kind !== 'service')) continue;
      for (const g of this.#groupsFor(c, e.peer)) {
        if (!groupMatches(c, e.peer, g)) continue;
        g.membership = insertSorted(g.membership, id);
        groups.add(g);
      }
    }
    const gone = new Set(removed);
    for (const id of removed) this.#dropPeer(id);
    if (gone.size > 0) {
      for (const g of this.#groups.values()) {
        if (!g.membership.some((k) => gone.has(k))) continue;
        g.membership = g.membership.filter((k) => !gone.has(k));
        groups.add(g);
      }
    }
    // Selections: groups a changed enforced policy selects, by its old or its new subject.
    for (const p of [...delta.removed, ...delta.added]) {
      if (p.staged) continue;
      const scope = p.subject.namespaces;
      const candidates = scope.kind === 'names' ? [...new Set(scope.names)].flatMap((n) => [...(this.#groupsByNs.get(n) ?? [])]) : [...this.#groups.values()];
      for (const g of candidates) if (c.inScope(scope, g.namespace) && matchSelector(p.subject.pods, g.labels)) groups.add(g);
    }
    if (regions) this.#spaces = undefined;
    return { rebuild: false, hosts, regions, groups, ranges };
  }

  /**
   * Namespaces whose labels or existence changed: the memberships of their groups again
   * (their pods' selections may have changed too, so every one of their groups is
   * reclassified; a created namespace's groups are those of pods long gone), and
   * network-set peers whose nets the engine prepared again (namespaced sets a namespace
   * selector now matches or no longer does): the addresses in the old and new nets.
   */
  #relabelled(c: Compiled, namespaces: readonly string[]): { groups: Set<Group>; ranges: Cidr[]; nets: boolean } {
    const groups = new Set<Group>();
    for (const n of new Set(namespaces)) {
      for (const g of this.#groupsByNs.get(n) ?? []) {
        g.membership = this.#groupMembership(c, g.namespace, g.labels, g.serviceAccount);
        groups.add(g);
      }
    }
    const ranges: Cidr[] = [];
    let nets = false;
    for (const e of this.peerTable) {
      if (e === undefined || e.peer.kind !== 'networkSets') continue;
      const now = c.peers.get(e.peer)?.nets ?? [];
      if (sameCidrs(e.nets, now)) continue;
      ranges.push(...e.nets, ...now);
      e.nets = now;
      nets = true;
    }
    if (nets) this.#spaces = undefined;
    return { groups, ranges, nets };
  }

  #addPeer(c: Compiled, key: string, peer: Peer): number {
    const id = this.peerTable.length;
    const prepared = c.peers.get(peer);
    const nets = peer.kind === 'cidr' ? (prepared?.cidr === undefined ? [] : [prepared.cidr]) : peer.kind === 'networkSets' ? (prepared?.nets ?? []) : [];
    this.peerTable.push({ key, peer, nets });
    this.peerIds.set(key, id);
    if (peer.kind === 'pods') {
      if (peer.namespaces.kind === 'names') {
        for (const n of new Set(peer.namespaces.names)) {
          let l = this.#podPeersByNs.get(n);
          if (l === undefined) this.#podPeersByNs.set(n, (l = []));
          l.push(id);
        }
      } else {
        this.#podPeersAnyNs.push(id);
      }
    } else if (peer.kind === 'service' || peer.kind === 'entity') {
      this.#podPeersAnyNs.push(id);
    }
    return id;
  }

  #dropPeer(id: number): void {
    const e = this.peerTable[id];
    if (e === undefined) return;
    this.peerIds.delete(e.key);
    this.peerTable[id] = undefined;
    const peer = e.peer;
    if (peer.kind === 'pods' && peer.namespaces.kind === 'names') {
      for (const n of new Set(peer.namespaces.names)) {
        const l = this.#podPeersByNs.get(n)?.filter((k) => k !== id) ?? [];
        if (l.length === 0) this.#podPeersByNs.delete(n);
        else this.#podPeersByNs.set(n, l);
      }
    } else {
      this.#podPeersAnyNs = this.#podPeersAnyNs.filter((k) => k !== id);
    }
  }

  /** Groups a pod or service peer can match: those of the namespaces it names, or all. */
  #groupsFor(c: Compiled, peer: Peer): Iterable<Group> {
    if (peer.kind === 'pods' && peer.namespaces.kind === 'names') return [...new Set(peer.namespaces.names)].flatMap((n) => [...(this.#groupsByNs.get(n) ?? [])]);
    if (peer.kind === 'service') {
      const namespaces = new Set((c.peers.get(peer)?.services ?? []).map((s) => s.namespace));
      return [...namespaces].flatMap((n) => [...(this.#groupsByNs.get(n) ?? [])]);
    }
    return this.#groups.values();
  }

  /** Slots with a pod in one of `groups` or an address inside one of `ranges`. */
  #slotsOf(c: Compiled, groups: ReadonlySet<Group>, ranges: readonly Cidr[]): number[] {
    const out = new Set<number>();
    for (const g of groups) {
      for (const s of g.slots) out.add(s);
      for (const k of g.classes) this.#classes.delete(k);
      g.classes.clear();
    }
    for (const net of ranges) {
      const sorted = this.#sorted[net.family];
      const first = addressKey(net.family, net.network);
      const last = addressKey(net.family, cidrLast(net));
      for (let k = lowerBound(sorted.keys, first); k < sorted.keys.length && (sorted.keys[k] as number | bigint) <= last; k++) {
        const s = c.podIndexByIp(sorted.items[k]?.ip ?? '');
        if (s !== undefined) out.add(s);
      }
    }
    return [...out];
  }

  /**
   * Forgets everything derived from the pods and the policies' classes (the numbering and
   * the peer ids stay, so classes that went can still be told apart by their memberships).
   */
  /** One more policy holds `peer`, whose prepared key is `key`. */
  #countPeerRef(peer: Peer, key: string): void {
    this.#peerKeys.set(peer, key);
    let refs = this.#peerRefs.get(key);
    if (refs === undefined) this.#peerRefs.set(key, (refs = new Map()));
    refs.set(peer, (refs.get(peer) ?? 0) + 1);
  }

  #reset(c: Compiled): void {
    this.#peerRefs = new Map();
    for (const p of c.policies.policies) {
      for (const peer of peersOf(p)) {
        const key = c.peers.get(peer)?.key;
        if (key === undefined || peer.kind === 'fqdn') continue;
        this.#countPeerRef(peer, key);
      }
    }
    for (const [key, id] of [...this.peerIds]) if (!this.#peerRefs.has(key)) this.#dropPeer(id);
    for (const [key, refs] of this.#peerRefs) {
      const rep = first(refs.keys()) as Peer;
      const id = this.peerIds.get(key);
      if (id === undefined) this.#addPeer(c, key, rep);
      else {
        const e = this.peerTable[id];
        if (e === undefined) continue;
        e.peer = rep;
        // A network-set peer's nets follow the sets and namespace labels, not its key.
        if (rep.kind === 'networkSets') e.nets = c.peers.get(rep)?.nets ?? [];
      }
    }
    this.#portNameRefs = new Map();
    for (const p of c.enforced) countPortNames(this.#portNameRefs, p, 1);
    this.#namedPortNames = new Set(this.#portNameRefs.keys());
    this.#groups = new Map();
    this.#groupsByNs = new Map();
    this.#classes = new Map();
    this.#slots = [];
    this.#hosts = [];
    this.#spaces = undefined;
    this.#sorted = { 4: { items: [], keys: [] }, 6: { items: [], keys: [] } };
    this.#localItems = new Map();
    this.bySig = new Map();
    this.local = [];
  }

  // ---- pods ----

  #reclassify(c: Compiled, slots: Iterable<number>, force: ReadonlySet<number>, touched: Set<Identity>, changes: AddressChanges): void {
    const todo = [...slots];
    if (todo.length === 0) return;
    // Entries leaving their slots, by pod: a pod that moved slot keeps its entry when its classes are still cached.
    const leaving = new Map<Pod, SlotEntry>();
    for (const s of todo) {
      const e = this.#slots[s];
      if (e === undefined) continue;
      leaving.set(e.pod, e);
      e.group?.slots.delete(s);
      this.#slots[s] = undefined;
    }
    const arriving: SlotEntry[] = [];
    for (const s of todo) {
      const pod = c.pods[s];
      if (pod === undefined || pod.hostNetwork) continue;
      const old = leaving.get(pod);
      let e: SlotEntry;
      if (old !== undefined && !force.has(s) && old.addrs.every((a) => this.#classes.get(a.cls.key) === a.cls && a.kept === (c.podIndexByIp(a.text) === s))) {
        e = old;
        leaving.delete(pod);
      } else {
        e = this.#classify(c, s, pod);
        arriving.push(e);
      }
      this.#slots[s] = e;
      e.group?.slots.add(s);
    }
    if (this.#slots.length > c.pods.length) this.#slots.length = c.pods.length;
    for (const e of leaving.values()) {
      for (const a of e.addrs) {
        if (!a.kept) continue;
        const id = this.bySig.get(a.cls.sig);
        if (id === undefined) continue;
        touched.add(id);
        id.count--;
        const n = (id.pods.get(e.pod) ?? 0) - 1;
        if (n > 0) id.pods.set(e.pod, n);
        else id.pods.delete(e.pod);
        changes.remove(a.ip, a.text, this.#isLocal(e.pod));
      }
    }
    for (const e of arriving) {
      for (const a of e.addrs) {
        if (!a.kept) continue;
        const id = this.#identity(a.cls.sig, 'pod', a.ip.family, a.cls.membership);
        touched.add(id);
        id.count++;
        id.pods.set(e.pod, (id.pods.get(e.pod) ?? 0) + 1);
        id.rep = e.pod;
        changes.add(a.ip, a.text, id, this.#isLocal(e.pod));
      }
    }
  }

  #identity(sig: string, kind: Identity['kind'], family: IpFamily, membership: readonly number[]): Identity {
    let id = this.bySig.get(sig);
    if (id === undefined) {
      id = { id: 0, sig, kind, family, membership, pods: new Map(), rep: undefined, count: 0, free: 0 };
      this.bySig.set(sig, id);
      if (kind === 'region') this.regionIds.add(id);
    }
    return id;
  }

  #classify(c: Compiled, slot: number, pod: Pod): SlotEntry {
    const sa = pod.serviceAccount ?? 'default';
    // Service accounts are part of the group: Calico peers can select on them.
    const groupKey = `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${sa}`;
    let group = this.#groups.get(groupKey);
    if (group === undefined) {
      group = { key: groupKey, namespace: pod.namespace, labels: pod.labels, serviceAccount: sa, membership: this.#groupMembership(c, pod.namespace, pod.labels, sa), classes: new Set(), slots: new Set() };
      this.#groups.set(groupKey, group);
      let l = this.#groupsByNs.get(pod.namespace);
      if (l === undefined) this.#groupsByNs.set(pod.namespace, (l = new Set()));
      l.add(group);
    }
    const np = namedPortsOf(pod, this.#namedPortNames);
    const spaces = this.#spacesOf(c);
    const addrs = (c.podIps[slot] ?? []).map((ip): AddrEntry => {
      const space = spaces[ip.family];
      const own = space.podMembers[upperBound(space.firsts, ip.value) - 1] ?? [];
      const key = `${groupKey}\u0003${np}\u0003${ip.family}\u0003${own.join(',')}`;
      let cls = this.#classes.get(key);
      if (cls === undefined) {
        const membership = mergeSorted(group.membership, own);
        cls = { key, group, membership, sig: `P|${ip.family}|${podSignature(c, slot, np)}|m:${this.#sigOf(membership)}` };
        this.#classes.set(key, cls);
        group.classes.add(key);
      }
      const text = formatIp(ip);
      return { ip, text, cls, kept: c.podIndexByIp(text) === slot };
    });
    return { pod, group, addrs };
  }

  /** Pod, service and entity peers matching pods of a group, ascending ids. */
  #groupMembership(c: Compiled, namespace: string, labels: Readonly<Record<string, string>>, sa: string): number[] {
    const out: number[] = [];
    const test = (id: number): void => {
      const peer = this.peerTable[id]?.peer;
      if (peer !== undefined && groupMatches(c, peer, { namespace, labels, serviceAccount: sa })) out.push(id);
    };
    for (const id of this.#podPeersByNs.get(namespace) ?? []) test(id);
    for (const id of this.#podPeersAnyNs) test(id);
    return out.sort((a, b) => a - b);
  }

  #sigOf(membership: readonly number[]): string {
    const keys = membership.map((k) => this.peerTable[k]?.key ?? '');
    keys.sort();
    return keys.join('\u0000');
  }

  // ---- hosts and regions ----

  /**
   * Node addresses and host-network pod addresses that are no pod's, with the non-pod
   * peers they match, judged by the engine's peerMatches: a CIDR peer that does not count
   * nodes (Cilium) leaves them out although their address is in its block, while the
   * region around them stays in it.
   */
  #refreshHosts(c: Compiled, touched: Set<Identity>, changes: AddressChanges): void {
    for (const h of this.#hosts) {
      touched.add(h.identity);
      h.identity.count--;
      changes.remove(h.ip, h.text, false);
    }
    const texts = new Set<string>();
    for (const n of c.cluster.nodes) for (const ip of n.ips) texts.add(ip);
    for (const p of c.cluster.pods) if (p.hostNetwork) for (const ip of p.ips) texts.add(ip);
    const nonPod = [...this.peerIds.values()].filter((k) => {
      const kind = this.peerTable[k]?.peer.kind;
      return kind !== 'pods' && kind !== 'service';
    }).sort((a, b) => a - b);
    this.#hosts = [];
    for (const text of texts) {
      const ip = parseIp(text);
      if (ip === undefined || c.podIndexByIp(text) !== undefined || c.hostOfIp(text) === null) continue;
      const remote = remoteOfAddress(c, text, ip);
      const membership = nonPod.filter((k) => {
        const peer = this.peerTable[k]?.peer;
        return peer !== undefined && peerMatches(c, peer, remote);
      });
      const identity = this.#identity(`H|${ip.family}|m:${this.#sigOf(membership)}`, 'host', ip.family, membership);
      touched.add(identity);
      identity.count++;
      this.#hosts.push({ ip, text, identity });
      changes.add(ip, text, identity, false);
    }
  }

  #spacesOf(c: Compiled): Record<IpFamily, Space> {
    if (this.#spaces === undefined) this.#spaces = { 4: this.#space(c, 4), 6: this.#space(c, 6) };
    return this.#spaces;
  }

  #space(c: Compiled, fam: IpFamily): Space {
    const intervals = elementaryIntervals(c, fam);
    const ids = [...this.peerIds.values()].sort((a, b) => a - b);
    const regionMembers = this.#intervalMemberships(c, ids, intervals, fam, 'outside');
    const podMembers = this.#intervalMemberships(c, ids, intervals, fam, 'pod');
    const sigs = new Map<string, string>();
    const regionSigs = regionMembers.map((m) => {
      const key = m.join(',');
      let sig = sigs.get(key);
      if (sig === undefined) sigs.set(key, (sig = `R|${fam}|m:${this.#sigOf(m)}`));
      return sig;
    });
    return { intervals, firsts: intervals.map((iv) => iv[0]), regionMembers, podMembers, regionSigs, hasFree: new Uint8Array(intervals.length) };
  }

  /**
   * Per elementary interval, the peers containing its addresses (ascending ids), as an
   * outside address (`outside`: every ipBlock, network sets, the world and all entities)
   * or a pod address (`pod`: ipBlocks that match pods, network sets) sees them.
   */
  #intervalMemberships(c: Compiled, ids: readonly number[], intervals: ReadonlyArray<readonly [bigint, bigint]>, fam: IpFamily, as: 'outside' | 'pod'): number[][] {
    const out: number[][] = intervals.map(() => []);
    const firsts = intervals.map((iv) => iv[0]);
    const stamp = new Int32Array(intervals.length).fill(-1);
    for (const k of ids) {
      const peer = this.peerTable[k]?.peer;
      if (peer === undefined) continue;
      if (peer.kind === 'entity') {
        if (as === 'outside' && (peer.entity === 'all' || peer.entity === 'world')) for (const l of out) l.push(k);
        continue;
      }
      let nets: readonly Cidr[];
      let except: readonly Cidr[] = [];
      if (peer.kind === 'cidr') {
        const prepared = c.peers.get(peer);
        if (prepared?.cidr === undefined || (as === 'pod' && !peer.matchesPods)) continue;
        nets = [prepared.cidr];
        except = prepared.except ?? [];
      } else if (peer.kind === 'networkSets') nets = c.peers.get(peer)?.nets ?? [];
      else continue;
      for (const net of nets) {
        if (net.family !== fam) continue;
        const last = cidrLast(net);
        // Every CIDR boundary is a cut: an interval is wholly inside or outside each net.
        for (let j = lowerBound(firsts, net.network); j < firsts.length && (firsts[j] ?? 0n) <= last; j++) {
          if (stamp[j] === k) continue;
          const ip: IpAddress = { family: fam, value: firsts[j] ?? 0n };
          if (except.some((e) => cidrContainsIp(e, ip))) continue;
          stamp[j] = k;
          out[j]?.push(k);
        }
      }
    }
    return out;
  }

  /** Region identities from the intervals (after a policy change moved their boundaries or peers). */
  #refreshRegions(c: Compiled, touched: Set<Identity>): void {
    for (const id of this.regionIds) {
      touched.add(id);
      id.count = 0;
      id.free = 0;
    }
    const spaces = this.#spacesOf(c);
    for (const fam of [4, 6] as const) {
      const space = spaces[fam];
      space.intervals.forEach((_, k) => {
        const id = this.#identity(space.regionSigs[k] ?? '', 'region', fam, space.regionMembers[k] ?? []);
        touched.add(id);
        id.count++;
      });
    }
  }

  // ---- numbering and publishing ----

  /**
   * Numbers: surviving classes keep theirs, classes that went free theirs, new classes
   * take the lowest free numbers in sig order. `rebuiltFrom`: the identities before a
   * rebuild (every live class is a new object then).
   */
  #number(touched: ReadonlySet<Identity>, rebuiltFrom: ReadonlyMap<string, Identity> | undefined): { born: Identity[]; died: Identity[] } {
    const died: Identity[] = [];
    const freed: number[] = [];
    const born: Identity[] = [];
    const changes: Array<[string, number | undefined]> = [];
    if (rebuiltFrom !== undefined) {
      for (const [sig, n] of this.numbers) {
        const now = this.bySig.get(sig);
        if (now !== undefined && now.count > 0) {
          now.id = n;
          continue;
        }
        freed.push(n);
        changes.push([sig, undefined]);
        const old = rebuiltFrom.get(sig);
        if (old !== undefined) died.push(old);
      }
      for (const [sig, id] of this.bySig) if (id.count <= 0) this.bySig.delete(sig);
      this.regionIds.clear();
      for (const id of this.bySig.values()) if (id.kind === 'region') this.regionIds.add(id);
      this.byId.clear();
      for (const id of this.bySig.values()) if (id.id > 0) this.byId.set(id.id, id);
      for (const id of this.bySig.values()) if (id.id === 0) born.push(id);
    } else {
      for (const id of touched) {
        if (id.count > 0) {
          if (id.id === 0) born.push(id);
          continue;
        }
        if (this.bySig.get(id.sig) === id) this.bySig.delete(id.sig);
        this.regionIds.delete(id);
        if (id.id > 0) {
          died.push(id);
          freed.push(id.id);
          changes.push([id.sig, undefined]);
          if (this.byId.get(id.id) === id) this.byId.delete(id.id);
        }
      }
    }
    for (const n of freed) heapPush(this.#free, n);
    born.sort((a, b) => (a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0));
    for (const b of born) {
      b.id = heapPop(this.#free) ?? this.high++;
      this.byId.set(b.id, b);
      changes.push([b.sig, b.id]);
    }
    if (changes.length > 0) this.numbers = this.numbers.with(changes);
    return { born, died };
  }

  /**
   * Applies the address changes to the sorted lists and publishes them: a new version
   * that lists what changed (from nothing after a rebuild, which emptied the lists);
   * brings the free addresses of regions up to date (of every interval when the regions
   * were recomputed).
   */
  #publish(changes: AddressChanges, regionsRecomputed: boolean, rebuilt: boolean): void {
    const spaces = this.#spaces;
    const dirtyIntervals: Record<IpFamily, Set<number>> = { 4: new Set(), 6: new Set() };
    const changed: KeyedChange[] = [];
    for (const fam of [4, 6] as const) {
      const sorted = this.#sorted[fam];
      const ops = changes.net(fam);
      if (ops.length === 0) continue;
      // What each address was and becomes, before the list is touched.
      const mine: KeyedChange[] = [];
      for (const o of ops) {
        const key = addressKey(fam, o.ip.value);
        const at = lowerBound(sorted.keys, key);
        const before = sorted.keys[at] === key ? sorted.items[at]?.identity : undefined;
        const after = o.identity?.id;
        if (before !== after) mine.push({ family: fam, ip: o.text, key, before, after });
      }
      mine.sort((a, b) => cmpKey(a.key, b.key));
      if (mine.length > 64 + (sorted.items.length >> 4)) {
        // Many changes: merge them into the family's list in one pass.
        const items: AddressIdentity[] = [];
        const keys: Array<number | bigint> = [];
        let k = 0;
        for (const c of mine) {
          for (; k < sorted.keys.length && (sorted.keys[k] as number | bigint) < c.key; k++) {
            items.push(sorted.items[k] as AddressIdentity);
            keys.push(sorted.keys[k] as number | bigint);
          }
          if (sorted.keys[k] === c.key) k++;
          if (c.after === undefined) continue;
          items.push({ family: fam, ip: c.ip, identity: c.after });
          keys.push(c.key);
        }
        for (; k < sorted.keys.length; k++) {
          items.push(sorted.items[k] as AddressIdentity);
          keys.push(sorted.keys[k] as number | bigint);
        }
        this.#sorted[fam] = { items, keys };
      } else {
        for (const c of mine) {
          const at = lowerBound(sorted.keys, c.key);
          if (c.after === undefined) {
            sorted.items.splice(at, 1);
            sorted.keys.splice(at, 1);
          } else if (c.before !== undefined) {
            sorted.items[at] = { family: fam, ip: c.ip, identity: c.after };
          } else {
            sorted.items.splice(at, 0, { family: fam, ip: c.ip, identity: c.after });
            sorted.keys.splice(at, 0, c.key);
          }
        }
      }
      changed.push(...mine);
      if (spaces !== undefined && !regionsRecomputed) for (const o of ops) dirtyIntervals[fam].add(upperBound(spaces[fam].firsts, o.ip.value) - 1);
    }
    const whole = (): AddressIdentity[] => this.#sorted[4].items.concat(this.#sorted[6].items);
    if (rebuilt) this.addresses = AddressVersion.of(whole());
    else if (changed.length > 0) {
      const next = this.addresses.next(changed);
      // Changes pile up between arrays: make one now and then, so a read costs one copy of the list and old ones can go.
      if (next.depth > 64 + (next.length >> 4)) next.settle(whole());
      this.addresses = next;
    }

    // Regions: which intervals have an address no pod or node holds.
    if (spaces !== undefined) {
      for (const fam of [4, 6] as const) {
        const space = spaces[fam];
        const ks = regionsRecomputed ? space.intervals.keys() : dirtyIntervals[fam];
        for (const k of ks) {
          const iv = space.intervals[k];
          if (iv === undefined) continue;
          const free = firstFree(this.#sorted[fam].keys, fam, iv[0], iv[1]) ? 1 : 0;
          const was = regionsRecomputed ? 0 : (space.hasFree[k] ?? 0);
          if (free === was && !regionsRecomputed) continue;
          space.hasFree[k] = free;
          const id = this.bySig.get(space.regionSigs[k] ?? '');
          if (id !== undefined) id.free += free - was;
        }
      }
      if (regionsRecomputed) {
        const regions: RegionIdentity[] = [];
        for (const fam of [4, 6] as const) {
          const space = spaces[fam];
          space.intervals.forEach(([first, last], k) => {
            const id = this.bySig.get(space.regionSigs[k] ?? '')?.id ?? 0;
            const prev = regions[regions.length - 1];
            if (prev !== undefined && prev.family === fam && prev.identity === id && prev.last + 1n === first) regions[regions.length - 1] = { ...prev, last };
            else regions.push({ family: fam, first, last, identity: id });
          });
        }
        if (!sameRegions(regions, this.regions)) this.regions = regions;
      }
    }

    // This node's addresses.
    const localOps = changes.localOps();
    if (localOps.length > 0) {
      let changed = false;
      for (const op of localOps) {
        const had = this.#localItems.get(op.text);
        if (op.identity === undefined) {
          if (had !== undefined) {
            this.#localItems.delete(op.text);
            changed = true;
          }
        } else if (had?.identity !== op.identity.id) {
          this.#localItems.set(op.text, { family: op.ip.family, ip: op.text, identity: op.identity.id });
          changed = true;
        }
      }
      if (changed) {
        const items = [...this.#localItems.values()];
        const key = (a: AddressIdentity): number | bigint => addressKey(a.family, parseIp(a.ip)?.value ?? 0n);
        items.sort((a, b) => a.family - b.family || cmpKey(key(a), key(b)));
        this.local = items;
      }
    }
  }
}

/** The net effect of an update on the address lists: per address, its identity after (undefined: gone). */
class AddressChanges {
  readonly #ops = new Map<string, { ip: IpAddress; text: string; identity: Identity | undefined }>();
  /** This node's addresses among them: their identity after, undefined when no longer a local pod's. */
  readonly #local = new Map<string, { ip: IpAddress; text: string; identity: Identity | undefined }>();

  remove(ip: IpAddress, text: string, local: boolean): void {
    this.#ops.set(text, { ip, text, identity: undefined });
    if (local) this.#local.set(text, { ip, text, identity: undefined });
  }

  add(ip: IpAddress, text: string, identity: Identity, local: boolean): void {
    this.#ops.set(text, { ip, text, identity });
    if (local) this.#local.set(text, { ip, text, identity });
    else if (this.#local.has(text)) this.#local.set(text, { ip, text, identity: undefined });
  }

  net(fam: IpFamily): Array<{ ip: IpAddress; text: string; identity: Identity | undefined }> {
    const out: Array<{ ip: IpAddress; text: string; identity: Identity | undefined }> = [];
    for (const o of this.#ops.values()) if (o.ip.family === fam) out.push(o);
    return out;
  }

  localOps(): Array<{ ip: IpAddress; text: string; identity: Identity | undefined }> {
    return [...this.#local.values()];
  }
}

/** The peers (and notPeers) of a policy's rules. */
function peersOf(p: Policy): Peer[] {
  const out: Peer[] = [];
  for (const r of [...(p.ingress?.rules ?? []), ...(p.egress?.rules ?? [])]) {
    for (const peer of r.peers ?? []) out.push(peer);
    for (const peer of r.notPeers ?? []) out.push(peer);
  }
  return out;
}

/** Adds `by` for every named port entry of the policy's rules. */
function countPortNames(counts: Map<string, number>, p: Policy, by: number): void {
  for (const r of [...(p.ingress?.rules ?? []), ...(p.egress?.rules ?? [])]) {
    for (const e of [...(r.ports ?? []), ...(r.notPorts ?? [])]) if (e.ports?.kind === 'named') counts.set(e.ports.name, (counts.get(e.ports.name) ?? 0) + by);
  }
}

function first<T>(items: Iterable<T>): T | undefined {
  for (const x of items) return x;
  return undefined;
}

function namedPortsOf(pod: Pod, names: ReadonlySet<string>): string {
  if (pod.ports.length === 0 || names.size === 0) return '';
  return pod.ports.filter((cp) => cp.name !== undefined && names.has(cp.name))
    .map((cp) => `${cp.name}/${cp.protocol}/${cp.port}`).sort().join(',');
}

/** What a pod contributes regardless of the address: selecting policies per direction and named ports. */
function podSignature(c: Compiled, slot: number, np: string): string {
  const ids = (dir: 'ingress' | 'egress'): string => c.selectionOf(slot, dir).map((pi) => c.enforced[pi]?.id ?? '').join(',');
  return `in:${ids('ingress')}|eg:${ids('egress')}|np:${np}`;
}

function groupMatches(c: Compiled, peer: Peer, g: { readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly serviceAccount: string }): boolean {
  switch (peer.kind) {
    case 'entity': return peer.entity === 'all' || peer.entity === 'cluster';
    case 'service': return serviceBackend(c.peers.get(peer)?.services ?? [], g.namespace, g.labels);
    case 'pods':
      return c.inScope(peer.namespaces, g.namespace) && matchSelector(peer.pods, g.labels)
        && (peer.serviceAccounts === undefined || serviceAccountMatches(peer.serviceAccounts, g.serviceAccount));
    default: return false;
  }
}


/** [first, last] blocks of the family between every CIDR boundary the policies mention. */
function elementaryIntervals(c: Compiled, fam: IpFamily): Array<[bigint, bigint]> {
  const cuts = new Set<bigint>([0n]);
  const cut = (net: Cidr): void => {
    if (net.family !== fam) return;
    cuts.add(net.network);
    const end = cidrLast(net) + 1n;
    if (end <= MAX[fam]) cuts.add(end);
  };
  for (const prepared of c.peers.values()) {
    if (prepared.cidr !== undefined) cut(prepared.cidr);
    for (const e of prepared.except ?? []) cut(e);
    for (const n of prepared.nets ?? []) cut(n);
  }
  const sorted = [...cuts].sort(cmpBig);
  return sorted.map((first, k) => [first, k + 1 < sorted.length ? (sorted[k + 1] ?? 0n) - 1n : MAX[fam]]);
}

/** Whether [first, last] has an address not in the sorted `taken` keys. */
function firstFree(taken: ReadonlyArray<number | bigint>, fam: IpFamily, first: bigint, last: bigint): boolean {
  let candidate = first;
  for (let k = lowerBound(taken, addressKey(fam, first)); k < taken.length && taken[k] === addressKey(fam, candidate); k++) {
    candidate++;
    if (candidate > last) return false;
  }
  return candidate <= last;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x ?? 0);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

function insertSorted(a: readonly number[], v: number): number[] {
  const out = [...a];
  const at = lowerBound(out, v);
  if (out[at] !== v) out.splice(at, 0, v);
  return out;
}

/** The number of values <= v. */
function upperBound(values: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] ?? 0n) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of values < v. */
function lowerBound<T extends number | bigint>(values: readonly T[], v: T): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as T) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function cmpKey(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}


function sameRegions(a: readonly RegionIdentity[], b: readonly RegionIdentity[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.family !== y.family || x.first !== y.first || x.last !== y.last || x.identity !== y.identity) return false;
  }
  return true;
}

// A binary min-heap of free identity numbers.
function heapPush(h: number[], v: number): void {
  h.push(v);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((h[p] ?? 0) <= v) break;
    h[i] = h[p] ?? 0;
    i = p;
  }
  h[i] = v;
}

function heapPop(h: number[]): number | undefined {
  const top = h[0];
  if (top === undefined) return undefined;
  const last = h.pop() as number;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mv = last;
      if (l < h.length && (h[l] ?? 0) < mv) { m = l; mv = h[l] ?? 0; }
      if (r < h.length && (h[r] ?? 0) < mv) { m = r; mv = h[r] ?? 0; }
      if (m === i) break;
      h[i] = mv;
      i = m;
    }
    h[i] = last;
  }
  return top;
}

