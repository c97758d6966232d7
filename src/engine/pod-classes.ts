// Groups pods into equivalence classes for the matrix: pods that no subject selector,
// peer, port entry or tier walk can tell apart, for one queried port and protocol, get
// the same class. The signature is built from exactly what evaluate() consults (selecting
// policy lists, peer memberships per address family, resolved named ports, host network,
// primary family), and peer memberships are computed with evaluate()'s own peerMatches,
// from indexed candidates (namespace index, sorted addresses), never pods × peers.
import type { IpFamily } from '../model/ip.ts';
import { cidrLast } from '../model/ip.ts';
import type { Cidr } from '../model/ip.ts';
import type { Peer } from '../model/peer.ts';
import type { Protocol } from '../model/protocol.ts';
import type { Rule } from '../model/rule.ts';
import type { Compiled } from './compile.ts';
import { peerMatches } from './match-peer.ts';
import { firstFamily, podAddress, remoteOfPod } from './remote.ts';

/** How the remote side's address is chosen: a fixed family, or each pod's primary one. */
export type PeerMode = 4 | 6 | 'primary';

export interface PodClasses {
  readonly count: number;
  /** Class of each position of the queried pod list. */
  readonly classOf: Int32Array;
  /** A representative pod index of each class. */
  readonly rep: Int32Array;
  /** Number of queried positions in each class. */
  readonly size: Float64Array;
  /** Flow port to each class as destination; -1 when a named query port does not resolve. */
  readonly dstPort: Int32Array;
  readonly family: readonly (IpFamily | undefined)[];
  /** Sorted classes whose pods match the peer as a remote in that mode. */
  peerClasses(peer: Peer, mode: PeerMode): Int32Array;
}

/** Peers whose match depends on the remote's address (and so on the flow's family). */
function addressDependent(peer: Peer): boolean {
  return peer.kind === 'cidr' || peer.kind === 'networkSets' || peer.kind === 'nodes';
}

export function resolveQueryPort(c: Compiled, podIndex: number, port: number | string, protocol: Protocol): number {
  if (typeof port === 'number') return port;
  for (const cp of c.pods[podIndex]?.ports ?? []) if (cp.name === port && cp.protocol === protocol) return cp.port;
  return -1;
}

export function rulesOf(c: Compiled, podIndexes: Iterable<number>): Rule[] {
  const lists = new Set<number>();
  for (const i of podIndexes) {
    lists.add(c.selIngress[i] ?? 0);
    lists.add(c.selEgress[i] ?? 0);
  }
  const policies = new Set<number>();
  for (const l of lists) for (const p of c.selectionLists[l] ?? []) policies.add(p);
  const rules: Rule[] = [];
  for (const p of policies) {
    const policy = c.enforced[p];
    rules.push(...(policy?.ingress?.rules ?? []), ...(policy?.egress?.rules ?? []));
  }
  return rules;
}

export function classifyPods(c: Compiled, positions: readonly number[], port: number | string, protocol: Protocol): PodClasses {
  const inQuery = new Set(positions);
  const rules = rulesOf(c, inQuery);

  // Distinct peers by canonical key.
  const peerIds = new Map<string, number>();
  const peerList: Peer[] = [];
  for (const r of rules) {
    for (const p of [...(r.peers ?? []), ...(r.notPeers ?? [])]) {
      const key = c.peers.get(p)?.key ?? '';
      if (!peerIds.has(key)) {
        peerIds.set(key, peerList.length);
        peerList.push(p);
      }
    }
  }

  // Distinct named port entries (name, protocol|null) by name.
  const namedByName = new Map<string, Array<{ id: number; protocol: Protocol | null }>>();
  let namedCount = 0;
  const seenNamed = new Set<string>();
  for (const r of rules) {
    for (const e of [...(r.ports ?? []), ...(r.notPorts ?? [])]) {
      if (e.ports?.kind !== 'named') continue;
      const k = `${e.ports.name}/${e.protocol ?? '*'}`;
      if (seenNamed.has(k)) continue;
      seenNamed.add(k);
      let l = namedByName.get(e.ports.name);
      if (l === undefined) namedByName.set(e.ports.name, (l = []));
      l.push({ id: namedCount++, protocol: e.protocol });
    }
  }

  // Per pod: memberships, as ids (2p: family-free or v4, 2p+1: v6).
  const member = new Map<number, number[]>();
  const add = (pod: number, id: number): void => {
    let l = member.get(pod);
    if (l === undefined) member.set(pod, (l = []));
    l.push(id);
  };
  const sorted = { 4: sortedByAddress(c, positions, 4), 6: sortedByAddress(c, positions, 6) };
  const hostPods = positions.filter((i) => c.pods[i]?.hostNetwork === true);
  const allPods = [...inQuery];
  peerList.forEach((peer, id) => {
    if (peer.kind === 'fqdn') return;
    if (!addressDependent(peer)) {
      const candidates = peer.kind === 'pods' ? c.podsInScope(peer.namespaces).filter((i) => inQuery.has(i)) : allPods;
      for (const i of candidates) if (peerMatches(c, peer, remoteOfPod(c, i, firstFamily(c, i)))) add(i, 2 * id);
      return;
    }
    for (const family of [4, 6] as const) {
      let candidates: Iterable<number>;
      if (peer.kind === 'nodes') candidates = hostPods;
      else {
        const prepared = c.peers.get(peer);
        const nets = peer.kind === 'cidr' ? (prepared?.cidr === undefined ? [] : [prepared.cidr]) : (prepared?.nets ?? []);
        candidates = inRanges(sorted[family], nets.filter((n) => n.family === family));
      }
      for (const i of candidates) if (peerMatches(c, peer, remoteOfPod(c, i, family))) add(i, 2 * id + (family === 6 ? 1 : 0));
    }
  });

  const classIds = new Map<string, number>();
  const classOf = new Int32Array(positions.length);
  const reps: number[] = [];
  const sizes: number[] = [];
  const ports: number[] = [];
  const families: (IpFamily | undefined)[] = [];
  const podClass = new Map<number, number>();
  positions.forEach((i, pos) => {
    let cls = podClass.get(i);
    if (cls === undefined) {
      const pod = c.pods[i];
      const dstPort = resolveQueryPort(c, i, port, protocol);
      const named: number[] = [];
      for (const cp of pod?.ports ?? []) {
        if (cp.protocol !== protocol || cp.port !== dstPort || cp.name === undefined) continue;
        for (const e of namedByName.get(cp.name) ?? []) if (e.protocol === null || e.protocol === protocol) named.push(e.id);
      }
      const fam = firstFamily(c, i);
      const sig = `${pod?.hostNetwork === true ? 'h' : 'p'}|${fam ?? '-'}|${c.selIngress[i]}|${c.selEgress[i]}|${dstPort}|${named.sort((a, b) => a - b).join(',')}|${(member.get(i) ?? []).join(',')}`;
      cls = classIds.get(sig);
      if (cls === undefined) {
        cls = reps.length;
        classIds.set(sig, cls);
        reps.push(i);
        sizes.push(0);
        ports.push(dstPort);
        families.push(fam);
      }
      podClass.set(i, cls);
    }
    classOf[pos] = cls;
    sizes[cls] = (sizes[cls] ?? 0) + 1;
  });

  // Class lists per peer and mode, built on demand from pod memberships.
  const byMember = new Map<number, number[]>();
  for (const [i, ids] of member) {
    const cls = podClass.get(i);
    if (cls === undefined) continue;
    for (const id of ids) {
      let l = byMember.get(id);
      if (l === undefined) byMember.set(id, (l = []));
      l.push(cls);
    }
  }
  const cache = new Map<string, Int32Array>();
  const peerClasses = (peer: Peer, mode: PeerMode): Int32Array => {
    const id = peerIds.get(c.peers.get(peer)?.key ?? '');
    if (id === undefined) return new Int32Array(0);
    const key = `${id}/${mode}`;
    let out = cache.get(key);
    if (out === undefined) {
      let classes: number[];
      if (!addressDependent(peer)) classes = byMember.get(2 * id) ?? [];
      else if (mode === 4) classes = byMember.get(2 * id) ?? [];
      else if (mode === 6) classes = byMember.get(2 * id + 1) ?? [];
      else {
        classes = [...(byMember.get(2 * id) ?? []).filter((k) => families[k] === 4), ...(byMember.get(2 * id + 1) ?? []).filter((k) => families[k] === 6)];
      }
      out = Int32Array.from(new Set(classes)).sort();
      cache.set(key, out);
    }
    return out;
  };

  return {
    count: reps.length, classOf, rep: Int32Array.from(reps), size: Float64Array.from(sizes), dstPort: Int32Array.from(ports),
    family: families, peerClasses,
  };
}

interface AddressIndex {
  readonly values: readonly bigint[];
  readonly pods: readonly number[];
}

/** Queried pods having an address of `family`, sorted by the address they would use. */
function sortedByAddress(c: Compiled, positions: readonly number[], family: IpFamily): AddressIndex {
  const entries: Array<[bigint, number]> = [];
  for (const i of new Set(positions)) {
    const a = podAddress(c, i, family);
    if (a !== undefined) entries.push([a.value, i]);
  }
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return { values: entries.map((e) => e[0]), pods: entries.map((e) => e[1]) };
}

function* inRanges(index: AddressIndex, nets: readonly Cidr[]): Generator<number> {
  const seen = new Set<number>();
  for (const net of nets) {
    const last = cidrLast(net);
    let lo = 0;
    let hi = index.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((index.values[mid] ?? 0n) < net.network) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < index.values.length && (index.values[k] ?? 0n) <= last; k++) {
      const p = index.pods[k];
      if (p !== undefined && !seen.has(p)) {
        seen.add(p);
        yield p;
      }
    }
  }
}
