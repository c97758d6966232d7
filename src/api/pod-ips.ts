// Addresses for pods that have none in their manifest, so offline analysis can still
// match ipBlocks and show flows. The rule is deterministic and documented:
// - host-network pods take their node's addresses (first of each family) when the node
//   is known with addresses;
// - other pods get an IPv4 address from a pool: their node's IPv4 podCIDR when known,
//   else 10.244.0.0/16. The start is FNV-1a(pod key) modulo the pool's usable size
//   (network and broadcast addresses excluded); taken addresses are skipped by probing
//   upwards. Pods are served in sorted key order, after every address given in the
//   input (pod and node IPs) is reserved, so the result depends only on the input set.
import type { Node, Pod } from '../model/cluster.ts';
import type { Cidr } from '../model/ip.ts';
import { formatIp, parseCidr, parseIp } from '../model/ip.ts';
import { fnv1a32 } from './hash.ts';

export const DEFAULT_POD_CIDR = '10.244.0.0/16';

export interface IpNote {
  readonly podKey: string;
  readonly message: string;
}

function firstPerFamily(ips: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (const ip of ips) {
    const family = parseIp(ip)?.family;
    if (family !== undefined && !seen.has(family)) { seen.add(family); out.push(ip); }
  }
  return out;
}

function poolOf(node: Node | undefined, fallback: Cidr): Cidr {
  for (const text of node?.podCIDRs ?? []) {
    const c = parseCidr(text);
    if (c !== undefined && c.family === 4 && c.prefix <= 30) return c;
  }
  return fallback;
}

function allocate(pool: Cidr, key: string, taken: Set<string>): string | undefined {
  const size = 2 ** (32 - pool.prefix) - 2;
  const start = fnv1a32(key) % size;
  for (let i = 0; i < size; i++) {
    const offset = ((start + i) % size) + 1;
    const ip = formatIp({ family: 4, value: pool.network + BigInt(offset) });
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

export function assignPodIps(pods: readonly Pod[], nodes: readonly Node[]): { pods: Pod[]; notes: IpNote[] } {
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const fallback = parseCidr(DEFAULT_POD_CIDR, true);
  if (fallback === undefined) throw new Error('bad DEFAULT_POD_CIDR');
  const notes: IpNote[] = [];
  const taken = new Set<string>(nodes.flatMap((n) => n.ips));
  const owner = new Map<string, string>();
  for (const p of [...pods].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    if (p.hostNetwork) continue;
    for (const ip of p.ips) {
      const other = owner.get(ip);
      if (other !== undefined) notes.push({ podKey: p.key, message: `IP ${ip} is also the IP of pod ${other}` });
      else owner.set(ip, p.key);
      taken.add(ip);
    }
  }
  const assigned = new Map<string, readonly string[]>();
  for (const p of [...pods].filter((x) => x.ips.length === 0).sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const node = p.node === undefined ? undefined : nodeByName.get(p.node);
    if (p.hostNetwork && node !== undefined && node.ips.length > 0) {
      assigned.set(p.key, firstPerFamily(node.ips));
      continue;
    }
    const ip = allocate(poolOf(node, fallback), p.key, taken) ?? allocate(fallback, p.key, taken);
    if (ip === undefined) {
      notes.push({ podKey: p.key, message: 'no free address left to assign: the pod has no IP' });
      continue;
    }
    taken.add(ip);
    assigned.set(p.key, [ip]);
  }
  return { pods: pods.map((p) => (assigned.has(p.key) ? { ...p, ips: assigned.get(p.key) ?? [] } : p)), notes };
}
