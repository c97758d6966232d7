// Numeric identities for addresses: every pod address, node address and outside region
// gets the number of its class, where a class holds the addresses that no policy of the
// snapshot can tell apart (same selecting policies, same peer memberships, same named
// ports). Outside addresses are cut into regions at every CIDR/except/network-set
// boundary. Numbers are kept from the previous plan for classes that survive, so a pod
// joining an existing class is one new map element and nothing else.
import type { Compiled } from '../engine/compile.ts';
import { peerMatches } from '../engine/match-peer.ts';
import { remoteOfAddress, remoteOfPod } from '../engine/remote.ts';
import type { Remote } from '../engine/remote.ts';
import { cidrLast, formatIp, parseIp } from '../model/ip.ts';
import type { Cidr, IpAddress, IpFamily } from '../model/ip.ts';
import type { Peer } from '../model/peer.ts';
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
}

const MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

export function computeIdentities(c: Compiled, previous: ReadonlyMap<string, number>, previousNext: number): Identities {
  const peers = distinctPeers(c);
  const namedPortNames = referencedPortNames(c);
  const signatures = new Map<string, number>();
  let next = Math.max(1, previousNext);
  const idOf = (sig: string): number => {
    let id = signatures.get(sig);
    if (id === undefined) {
      id = previous.get(sig) ?? next++;
      signatures.set(sig, id);
    }
    return id;
  };
  const reps = new Map<number, IdentityRep[]>();
  const family = new Map<number, IpFamily>();
  const addRep = (id: number, fam: IpFamily, rep: IdentityRep): void => {
    family.set(id, fam);
    let l = reps.get(id);
    if (l === undefined) reps.set(id, (l = []));
    if (l.length === 0 || (l.length === 1 && rep.podIndex >= 0 && l[0]?.podIndex !== rep.podIndex)) l.push(rep);
  };
  const membership = (remote: Remote): string => {
    const hits: string[] = [];
    for (const [key, peer] of peers) if (peerMatches(c, peer, remote)) hits.push(key);
    return hits.join('\u0000');
  };

  const addresses: AddressIdentity[] = [];
  const exact: Record<IpFamily, bigint[]> = { 4: [], 6: [] };
  c.pods.forEach((pod, i) => {
    if (pod.hostNetwork) return;
    const podPart = podSignature(c, i, namedPortNames);
    for (const ip of c.podIps[i] ?? []) {
      const text = formatIp(ip);
      if (c.podIndexByIp(text) !== i) continue; // a duplicate address belongs to its first pod, as in evaluate()
      const remote: Remote = { ...remoteOfPod(c, i, ip.family), ip };
      const id = idOf(`P|${ip.family}|${podPart}|m:${membership(remote)}`);
      addresses.push({ family: ip.family, ip: text, identity: id });
      exact[ip.family].push(ip.value);
      addRep(id, ip.family, { ip: text, podIndex: i });
    }
  });
  for (const text of hostAddresses(c)) {
    const ip = parseIp(text);
    if (ip === undefined) continue;
    const id = idOf(`H|${ip.family}|m:${membership(remoteOfAddress(c, text, ip))}`);
    addresses.push({ family: ip.family, ip: text, identity: id });
    exact[ip.family].push(ip.value);
    addRep(id, ip.family, { ip: text, podIndex: -1 });
  }
  addresses.sort((a, b) => a.family - b.family || cmpBig(parseIp(a.ip)?.value ?? 0n, parseIp(b.ip)?.value ?? 0n));

  const regions: RegionIdentity[] = [];
  for (const fam of [4, 6] as const) {
    const taken = exact[fam].sort(cmpBig);
    for (const [first, last] of elementaryIntervals(c, fam)) {
      const ip: IpAddress = { family: fam, value: first };
      const remote: Remote = { text: formatIp(ip), pod: undefined, ip, isHost: false, node: undefined };
      const id = idOf(`R|${fam}|m:${membership(remote)}`);
      const prev = regions[regions.length - 1];
      if (prev !== undefined && prev.family === fam && prev.identity === id && prev.last + 1n === first) {
        regions[regions.length - 1] = { ...prev, last };
      } else {
        regions.push({ family: fam, first, last, identity: id });
      }
      const free = firstFree(taken, first, last);
      if (free !== undefined) addRep(id, fam, { ip: formatIp({ family: fam, value: free }), podIndex: -1 });
      else family.set(id, fam);
    }
  }
  return { addresses, regions, reps, family, signatures, nextIdentity: next };
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

/** What a pod contributes regardless of the address: selecting policies per direction and named ports. */
function podSignature(c: Compiled, podIndex: number, names: ReadonlySet<string>): string {
  const ids = (dir: 'ingress' | 'egress'): string => c.selectionOf(podIndex, dir).map((pi) => c.enforced[pi]?.id ?? '').join(',');
  const named = (c.pods[podIndex]?.ports ?? [])
    .filter((cp) => cp.name !== undefined && names.has(cp.name))
    .map((cp) => `${cp.name}/${cp.protocol}/${cp.port}`).sort().join(',');
  return `in:${ids('ingress')}|eg:${ids('egress')}|np:${named}`;
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
  let lo = 0;
  let hi = taken.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((taken[mid] ?? 0n) < first) lo = mid + 1;
    else hi = mid;
  }
  let candidate = first;
  for (let k = lo; k < taken.length && taken[k] === candidate; k++) candidate++;
  return candidate <= last ? candidate : undefined;
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
