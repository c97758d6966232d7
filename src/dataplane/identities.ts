// Numeric identities for addresses: every pod address, node address and outside region
// gets the number of its class, where a class holds the addresses that no policy of the
// snapshot can tell apart (same selecting policies, same peer memberships, same named
// ports). Outside addresses are cut into regions at every CIDR/except/network-set
// boundary. Numbers are kept from the previous plan for classes that survive, so a pod
// joining an existing class is one new map element and nothing else.
//
// Cost: memberships are computed from indexes, never addresses × peers. Pod peers are
// matched once per (namespace, labels, service account) group of pods and only in the namespaces of their
// scope; address peers (ipBlock, network sets) by binary search over sorted addresses
// (pods) or elementary intervals (regions). Each class's signature string is built once.
import type { Compiled } from '../engine/compile.ts';
import { peerMatches, serviceAccountMatches, serviceBackend } from '../engine/match-peer.ts';
import { matchSelector, namespaceScopeKey } from '../engine/match-selector.ts';
import { remoteOfAddress } from '../engine/remote.ts';
import { cidrContainsIp, cidrLast, formatIp, parseIp } from '../model/ip.ts';
import type { Cidr, IpAddress, IpFamily } from '../model/ip.ts';
import type { Namespace, NetworkSet, Pod, Service } from '../model/cluster.ts';
import type { Peer } from '../model/peer.ts';
import type { Policy } from '../model/policy.ts';
import type { AddressIdentity, RegionIdentity } from './ruleset.ts';

/** An address standing for its class when decisions are computed; podIndex -1 when it is no pod's. */
export interface IdentityRep {
  readonly ip: string;
  readonly podIndex: number;
}

export interface Identities {
  readonly addresses: readonly AddressIdentity[];
  readonly regions: readonly RegionIdentity[];
  /** Up to two representatives per identity, of different pods when the class has two. */
  readonly reps: ReadonlyMap<number, readonly IdentityRep[]>;
  readonly family: ReadonlyMap<number, IpFamily>;
  readonly signatures: ReadonlyMap<string, number>;
  readonly nextIdentity: number;
  /** Distinct non-FQDN peers sorted by canonical key; memberships index into it. */
  readonly peers: ReadonlyArray<readonly [string, Peer]>;
  /** Per identity, the sorted indexes (into `peers`) of the peers its addresses match. */
  readonly members: ReadonlyMap<number, readonly number[]>;
}

const MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/**
 * What one identity pass keeps for the next: everything derived from the policies alone
 * (peers, port names, elementary intervals and their memberships) and, per pod group and
 * class key, memberships and signatures. Valid while the policies, network sets,
 * namespaces and services (service peers resolve through them) are the same objects;
 * plan() passes it back in.
 */
export interface IdentityCache {
  readonly policies: readonly Policy[];
  readonly networkSets: readonly NetworkSet[];
  readonly namespaces: readonly Namespace[];
  readonly services: readonly Service[];
  readonly peers: ReadonlyArray<readonly [string, Peer]>;
  readonly namedPortNames: ReadonlySet<string>;
  readonly spaces: Readonly<Record<IpFamily, AddressSpace>>;
  /** `${namespace}\0${labels}` → peers matching the group's pods whatever their address. */
  readonly groups: Map<string, readonly number[]>;
  /** Pod class key → signature and membership. */
  readonly classes: Map<string, PodClass>;
  /** Per Pod object: its addresses and their classes. */
  readonly pods: WeakMap<Pod, PodEntry>;
  /** Identity passes run with this cache. */
  readonly passes: { count: number };
  /** The last pass's addresses in pod order, and the permutation that sorted them. */
  lastOrder?: { readonly texts: readonly string[]; readonly perm: Int32Array };
  /** The last pass's pod addresses in pod order, when none was a duplicate and all were canonical. */
  lastPodTexts?: readonly string[] | undefined;
}

interface PodClass {
  readonly sig: string;
  readonly membership: readonly number[];
  /** The pass that last numbered this class, and the number it got. */
  stamp: number;
  id: number;
}

interface PodAddress {
  readonly ip: IpAddress;
  readonly text: string;
  /** IPv4 addresses as a number, for sorting. */
  readonly order: number;
  readonly cls: PodClass;
}

interface PodEntry {
  readonly addrs: readonly PodAddress[];
  /** Every address of the pod is written canonically, so podIndexByIp() finds it by its canonical text. */
  readonly canonical: boolean;
}

/** The elementary intervals of one family and which peers contain each. */
interface AddressSpace {
  readonly intervals: ReadonlyArray<readonly [bigint, bigint]>;
  readonly firsts: readonly bigint[];
  /** Peers containing the interval, as an outside address sees them. */
  readonly regionMembers: ReadonlyArray<readonly number[]>;
  /** Peers containing the interval, as a pod address sees them (ipBlocks that match pods, network sets). */
  readonly podMembers: ReadonlyArray<readonly number[]>;
  /** Identity signature of each interval. */
  readonly regionSigs: readonly string[];
}

function cacheFor(c: Compiled, old: IdentityCache | undefined): IdentityCache {
  // Class and group entries of pods long gone accumulate: start afresh once they outnumber the pods.
  const bounded = old !== undefined && old.classes.size + old.groups.size <= 4 * c.pods.length + 10_000;
  if (old !== undefined && bounded && sameList(old.policies, c.policies.policies) && sameList(old.networkSets, c.cluster.networkSets) && sameList(old.namespaces, c.cluster.namespaces)
    && sameList(old.services, c.cluster.services)) return old;
  const peers = distinctPeers(c);
  const space = (fam: IpFamily): AddressSpace => {
    const intervals = elementaryIntervals(c, fam);
    const regionMembers = intervalMemberships(c, peers, intervals, fam, 'outside');
    const podMembers = intervalMemberships(c, peers, intervals, fam, 'pod');
    const sigs = new Map<string, string>();
    const regionSigs = regionMembers.map((m) => {
      const key = m.join(',');
      let sig = sigs.get(key);
      if (sig === undefined) sigs.set(key, (sig = `R|${fam}|m:${m.map((k) => peers[k]?.[0] ?? '').join('\u0000')}`));
      return sig;
    });
    return { intervals, firsts: intervals.map((iv) => iv[0]), regionMembers, podMembers, regionSigs };
  };
  return {
    policies: c.policies.policies, networkSets: c.cluster.networkSets, namespaces: c.cluster.namespaces, services: c.cluster.services,
    peers, namedPortNames: referencedPortNames(c), spaces: { 4: space(4), 6: space(6) }, groups: new Map(), classes: new Map(), pods: new WeakMap(), passes: { count: 0 },
  };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function computeIdentities(c: Compiled, previous: ReadonlyMap<string, number>, previousNext: number, oldCache?: IdentityCache): Identities & { readonly cache: IdentityCache } {
  const cache = cacheFor(c, oldCache);
  const { peers, namedPortNames } = cache;
  const signatures = new Map<string, number>();
  const members = new Map<number, readonly number[]>();
  let next = Math.max(1, previousNext);
  const idOf = (sig: string, membership: readonly number[]): number => {
    let id = signatures.get(sig);
    if (id === undefined) {
      id = previous.get(sig) ?? next++;
      signatures.set(sig, id);
      members.set(id, membership);
    }
    return id;
  };
  const reps = new Map<number, IdentityRep[]>();
  const family = new Map<number, IpFamily>();
  const addRep = (id: number, fam: IpFamily, ip: string, podIndex: number): void => {
    const l = reps.get(id);
    if (l === undefined) {
      family.set(id, fam);
      reps.set(id, [{ ip, podIndex }]);
    } else if (l.length === 1 && podIndex >= 0 && l[0]?.podIndex !== podIndex) l.push({ ip, podIndex });
  };
  const sigOf = (list: readonly number[]): string => list.map((k) => peers[k]?.[0] ?? '').join('\u0000');

  // Per pod (cached by Pod object): its addresses with their class. Only new or changed
  // pods are classified; every pod's addresses are then numbered in pod order.
  const entries: Array<PodEntry | undefined> = new Array<PodEntry | undefined>(c.pods.length);
  const missing: number[] = [];
  c.pods.forEach((pod, i) => {
    if (pod.hostNetwork) return;
    const e = cache.pods.get(pod);
    if (e === undefined) missing.push(i);
    else entries[i] = e;
  });
  if (missing.length > 0) {
    const groupKeys = new Map<number, string>();
    for (const i of missing) {
      const pod = c.pods[i];
      // Service accounts are part of the group: Calico peers can select on them.
      if (pod !== undefined) groupKeys.set(i, `${pod.namespace}\u0000${labelsKey(pod.labels)}\u0000${pod.serviceAccount ?? 'default'}`);
    }
    const groupMembers = groupMemberships(c, peers, groupKeys, cache.groups);
    for (const i of missing) {
      const pod = c.pods[i];
      if (pod === undefined) continue;
      const groupKey = groupKeys.get(i) ?? '';
      const podKey = `${groupKey}\u0003${namedPortsOf(c, i, namedPortNames)}`;
      const addrs = (c.podIps[i] ?? []).map((ip): PodAddress => {
        const space = cache.spaces[ip.family];
        const own = space.podMembers[upperBound(space.firsts, ip.value) - 1] ?? [];
        const classKey = `${podKey}\u0003${ip.family}\u0003${own.join(',')}`;
        let cls = cache.classes.get(classKey);
        if (cls === undefined) {
          const membership = mergeSorted(groupMembers.get(groupKey) ?? [], own);
          cls = { sig: `P|${ip.family}|${podSignature(c, i, namedPortNames)}|m:${sigOf(membership)}`, membership, stamp: 0, id: -1 };
          cache.classes.set(classKey, cls);
        }
        return { ip, text: formatIp(ip), order: ip.family === 4 ? Number(ip.value) : 0, cls };
      });
      const e = { addrs, canonical: addrs.every((a, k) => pod.ips[k] === a.text) && addrs.length === pod.ips.length };
      cache.pods.set(pod, e);
      entries[i] = e;
    }
  }

  // A duplicate address belongs to its first pod, as in evaluate(): kept iff
  // podIndexByIp(text) is the pod. That lookup is skipped when it cannot drop anything:
  // every address canonical (raw text = canonical text) and the same address list as
  // the last pass, which had no duplicate.
  const all: Array<{ readonly a: PodAddress; readonly pod: number }> = [];
  let allCanonical = true;
  entries.forEach((e, i) => {
    if (e === undefined) return;
    if (!e.canonical) allCanonical = false;
    for (const a of e.addrs) all.push({ a, pod: i });
  });
  const lastPods = cache.lastPodTexts;
  const unfiltered = allCanonical && lastPods !== undefined && lastPods.length === all.length && all.every((x, k) => lastPods[k] === x.a.text);
  const kept = unfiltered ? all : all.filter((x) => c.podIndexByIp(x.a.text) === x.pod);
  cache.lastPodTexts = allCanonical && kept.length === all.length ? all.map((x) => x.a.text) : undefined;

  const addresses: Array<AddressIdentity & { readonly value: bigint; readonly order: number }> = [];
  // Each class is numbered once per pass: its id is memoised on the cached class under this pass's stamp.
  const stamp = ++cache.passes.count;
  for (const { a, pod: i } of kept) {
    let id = a.cls.stamp === stamp ? a.cls.id : -1;
    if (id < 0) {
      id = idOf(a.cls.sig, a.cls.membership);
      a.cls.stamp = stamp;
      a.cls.id = id;
    }
    addresses.push({ family: a.ip.family, ip: a.text, identity: id, value: a.ip.value, order: a.order });
    addRep(id, a.ip.family, a.text, i);
  }
  const nonPodPeers = peers.map((_, k) => k).filter((k) => peers[k]?.[1].kind !== 'pods' && peers[k]?.[1].kind !== 'service');
  for (const text of hostAddresses(c)) {
    const ip = parseIp(text);
    if (ip === undefined) continue;
    const remote = remoteOfAddress(c, text, ip);
    const membership = nonPodPeers.filter((k) => {
      const peer = peers[k]?.[1];
      return peer !== undefined && peerMatches(c, peer, remote);
    });
    const id = idOf(`H|${ip.family}|m:${sigOf(membership)}`, membership);
    addresses.push({ family: ip.family, ip: text, identity: id, value: ip.value, order: ip.family === 4 ? Number(ip.value) : 0 });
    addRep(id, ip.family, text, -1);
  }
  // The same addresses in the same order as the last pass (the common case): same sort.
  const last = cache.lastOrder;
  let sorted: typeof addresses;
  if (last !== undefined && last.texts.length === addresses.length && addresses.every((a, k) => last.texts[k] === a.ip)) {
    sorted = Array.from(last.perm, (k) => addresses[k] as (typeof addresses)[number]);
  } else {
    const position = new Map(addresses.map((a, k) => [a, k]));
    sorted = sortAddresses(addresses);
    cache.lastOrder = { texts: addresses.map((a) => a.ip), perm: Int32Array.from(sorted, (a) => position.get(a) ?? 0) };
  }
  const exact: Record<IpFamily, bigint[]> = { 4: [], 6: [] };
  for (const a of sorted) exact[a.family].push(a.value);

  const regions: RegionIdentity[] = [];
  for (const fam of [4, 6] as const) {
    const taken = exact[fam];
    const space = cache.spaces[fam];
    const regionIds = new Map<string, number>();
    space.intervals.forEach(([first, last], k) => {
      const sig = space.regionSigs[k] ?? '';
      let id = regionIds.get(sig);
      if (id === undefined) {
        id = idOf(sig, space.regionMembers[k] ?? []);
        regionIds.set(sig, id);
      }
      const prev = regions[regions.length - 1];
      if (prev !== undefined && prev.family === fam && prev.identity === id && prev.last + 1n === first) {
        regions[regions.length - 1] = { ...prev, last };
      } else {
        regions.push({ family: fam, first, last, identity: id });
      }
      const free = firstFree(taken, first, last);
      if (free !== undefined) addRep(id, fam, formatIp({ family: fam, value: free }), -1);
      else family.set(id, fam);
    });
  }
  return {
    addresses: sorted.map(({ family: f, ip, identity }) => ({ family: f, ip, identity })),
    regions, reps, family, signatures, nextIdentity: next, peers, members, cache,
  };
}

/** Distinct peers of the policy set by canonical key, sorted; FQDN peers never match an address. */
function distinctPeers(c: Compiled): Array<[string, Peer]> {
  const byKey = new Map<string, Peer>();
  for (const [peer, prepared] of c.peers) if (peer.kind !== 'fqdn' && !byKey.has(prepared.key)) byKey.set(prepared.key, peer);
  return [...byKey].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function referencedPortNames(c: Compiled): Set<string> {
  const names = new Set<string>();
  for (const p of c.enforced) {
    for (const r of [...(p.ingress?.rules ?? []), ...(p.egress?.rules ?? [])]) {
      for (const e of [...(r.ports ?? []), ...(r.notPorts ?? [])]) if (e.ports?.kind === 'named') names.add(e.ports.name);
    }
  }
  return names;
}

function namedPortsOf(c: Compiled, podIndex: number, names: ReadonlySet<string>): string {
  const ports = c.pods[podIndex]?.ports ?? [];
  if (ports.length === 0 || names.size === 0) return '';
  return ports.filter((cp) => cp.name !== undefined && names.has(cp.name))
    .map((cp) => `${cp.name}/${cp.protocol}/${cp.port}`).sort().join(',');
}

/** What a pod contributes regardless of the address: selecting policies per direction and named ports. */
function podSignature(c: Compiled, podIndex: number, names: ReadonlySet<string>): string {
  const ids = (dir: 'ingress' | 'egress'): string => c.selectionOf(podIndex, dir).map((pi) => c.enforced[pi]?.id ?? '').join(',');
  return `in:${ids('ingress')}|eg:${ids('egress')}|np:${namedPortsOf(c, podIndex, names)}`;
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let out = '';
  for (const k of keys) out += `${k}\u0001${labels[k] ?? ''}\u0002`;
  return out;
}

/**
 * Per group, the sorted peers matching its pods whatever their address: pod peers,
 * service peers (the group's pods back a matching Service) and entities, for the groups of the given pods (index → group key, `${namespace}\0${labels}`).
 * Groups already in `known` are reused; each pod peer looks only at the new groups of the
 * namespaces in its scope.
 */
function groupMemberships(c: Compiled, peers: ReadonlyArray<readonly [string, Peer]>, groupKeys: ReadonlyMap<number, string>, known: Map<string, readonly number[]>): ReadonlyMap<string, readonly number[]> {
  const fresh = new Map<string, { labels: Readonly<Record<string, string>>; serviceAccount: string; list: number[] }>();
  const byNamespace = new Map<string, string[]>();
  groupKeys.forEach((key, i) => {
    const pod = c.pods[i];
    if (pod === undefined || pod.hostNetwork || known.has(key) || fresh.has(key)) return;
    fresh.set(key, { labels: pod.labels, serviceAccount: pod.serviceAccount ?? 'default', list: [] });
    let l = byNamespace.get(pod.namespace);
    if (l === undefined) byNamespace.set(pod.namespace, (l = []));
    l.push(key);
  });
  if (fresh.size === 0) return known;
  const namespaces = [...byNamespace.keys()];
  const scopeCache = new Map<string, string[]>();
  peers.forEach(([, peer], k) => {
    if (peer.kind === 'entity') {
      if (peer.entity === 'all' || peer.entity === 'cluster') for (const g of fresh.values()) g.list.push(k);
      return;
    }
    if (peer.kind === 'service') {
      const services = c.peers.get(peer)?.services ?? [];
      for (const n of new Set(services.map((svc) => svc.namespace))) {
        for (const key of byNamespace.get(n) ?? []) {
          const g = fresh.get(key);
          if (g !== undefined && serviceBackend(services, n, g.labels)) g.list.push(k);
        }
      }
      return;
    }
    if (peer.kind !== 'pods') return;
    let inScope: readonly string[];
    if (peer.namespaces.kind === 'names') inScope = [...new Set(peer.namespaces.names)];
    else {
      const key = namespaceScopeKey(peer.namespaces);
      let l = scopeCache.get(key);
      if (l === undefined) {
        const scope = peer.namespaces;
        l = namespaces.filter((n) => c.inScope(scope, n));
        scopeCache.set(key, l);
      }
      inScope = l;
    }
    for (const n of inScope) {
      for (const key of byNamespace.get(n) ?? []) {
        const g = fresh.get(key);
        if (g !== undefined && matchSelector(peer.pods, g.labels)
          && (peer.serviceAccounts === undefined || serviceAccountMatches(peer.serviceAccounts, g.serviceAccount))) g.list.push(k);
      }
    }
  });
  for (const [key, g] of fresh) known.set(key, g.list);
  return known;
}

/**
 * Per elementary interval, the sorted peers containing its addresses, as an outside
 * address (`outside`: every ipBlock, network sets, the world and all entities) or a pod
 * address (`pod`: ipBlocks that match pods, network sets) sees them.
 */
function intervalMemberships(c: Compiled, peers: ReadonlyArray<readonly [string, Peer]>, intervals: ReadonlyArray<readonly [bigint, bigint]>, fam: IpFamily, as: 'outside' | 'pod'): number[][] {
  const out: number[][] = intervals.map(() => []);
  const firsts = intervals.map((iv) => iv[0]);
  const stamp = new Int32Array(intervals.length).fill(-1);
  peers.forEach(([, peer], k) => {
    if (peer.kind === 'entity') {
      if (as === 'outside' && (peer.entity === 'all' || peer.entity === 'world')) for (const l of out) l.push(k);
      return;
    }
    let nets: readonly Cidr[];
    let except: readonly Cidr[] = [];
    if (peer.kind === 'cidr') {
      const prepared = c.peers.get(peer);
      if (prepared?.cidr === undefined || (as === 'pod' && !peer.matchesPods)) return;
      nets = [prepared.cidr];
      except = prepared.except ?? [];
    } else if (peer.kind === 'networkSets') nets = c.peers.get(peer)?.nets ?? [];
    else return;
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
  });
  return out;
}

/** By (family, address); IPv4 by a numeric key sort, as this runs on every plan. */
function sortAddresses<T extends { readonly family: IpFamily; readonly value: bigint; readonly order: number }>(all: readonly T[]): T[] {
  const v4 = all.filter((a) => a.family === 4);
  const v6 = all.filter((a) => a.family === 6).sort((a, b) => cmpBig(a.value, b.value));
  const SHIFT = 2 ** 21;
  let out4: T[];
  if (v4.length < SHIFT) {
    const keys = new Float64Array(v4.length);
    for (let k = 0; k < v4.length; k++) keys[k] = (v4[k]?.order ?? 0) * SHIFT + k;
    keys.sort();
    out4 = Array.from(keys, (key) => v4[key % SHIFT] as T);
  } else {
    out4 = v4.sort((a, b) => a.order - b.order);
  }
  return out4.concat(v6);
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

function lowerBound(values: readonly bigint[], v: bigint): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] ?? 0n) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Node addresses and host-network pod addresses that are no (non host-network) pod's. */
function hostAddresses(c: Compiled): string[] {
  const out = new Set<string>();
  for (const n of c.cluster.nodes) for (const ip of n.ips) out.add(ip);
  for (const p of c.cluster.pods) if (p.hostNetwork) for (const ip of p.ips) out.add(ip);
  return [...out].filter((ip) => c.podIndexByIp(ip) === undefined && c.hostOfIp(ip) !== null && parseIp(ip) !== undefined);
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

/** The first address of [first, last] that is not in the sorted `taken` list. */
function firstFree(taken: readonly bigint[], first: bigint, last: bigint): bigint | undefined {
  let candidate = first;
  for (let k = lowerBound(taken, first); k < taken.length && taken[k] === candidate; k++) candidate++;
  return candidate <= last ? candidate : undefined;
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
