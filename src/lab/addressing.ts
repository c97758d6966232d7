// Lab address plan: each node gets one pod CIDR per family carved from the cluster's pod
// range, and one address on the fabric link between nodes. All ranges are private (RFC
// 1918 / ULA) and live only inside lab namespaces.
import { cidrContainsIp, formatCidr, formatIp, parseCidr, parseIp, type Cidr, type IpAddress, type IpFamily } from '../model/ip.ts';
import { LabError } from './errors.ts';

export const DEFAULT_POD_CIDR_V4 = '10.240.0.0/12';
export const DEFAULT_POD_CIDR_V6 = 'fd00:10:240::/48';
export const DEFAULT_NODE_CIDR_V4 = '10.239.255.0/24';
export const DEFAULT_NODE_CIDR_V6 = 'fd00:10:239::/64';
/** The pod's gateway, as in Calico: answered by the node side of the pod's veth. */
export const POD_GATEWAY_V4 = '169.254.1.1';
/** Link-local address of a veth whose MAC is ee:ee:ee:ee:ee:ee (Calico's choice). */
export const POD_GATEWAY_V6 = 'fe80::ecee:eeff:feee:eeee';
export const NODE_VETH_MAC = 'ee:ee:ee:ee:ee:ee';

export function mustCidr(text: string, family: IpFamily, what: string): Cidr {
  const c = parseCidr(text, true);
  if (c === undefined || c.family !== family) {
    throw new LabError('invalid-argument', `${what}: ${JSON.stringify(text)} is not an IPv${family} CIDR with zero host bits`);
  }
  return c;
}

/** The `index`-th subnet of size `/prefix` inside `parent`. */
export function subnet(parent: Cidr, prefix: number, index: number, what: string): Cidr {
  const total = parent.family === 4 ? 32 : 128;
  if (prefix < parent.prefix || prefix > total) {
    throw new LabError('invalid-argument', `${what}: /${prefix} does not fit in ${formatCidr(parent)}`);
  }
  if (BigInt(index) >= 1n << BigInt(prefix - parent.prefix)) {
    throw new LabError('invalid-argument', `${what}: ${formatCidr(parent)} has no room for subnet #${index} of size /${prefix}`);
  }
  return { family: parent.family, prefix, network: parent.network + (BigInt(index) << BigInt(total - prefix)) };
}

/** The `offset`-th address of `cidr` as text. */
export function hostAddress(cidr: Cidr, offset: number): string {
  return formatIp({ family: cidr.family, value: cidr.network + BigInt(offset) });
}

/** Lowest free address of `cidr` from offset 2 on (.0 is the network, .1 stays unused), skipping `used`. */
export function allocate(cidr: Cidr, used: ReadonlySet<string>): string {
  const total = cidr.family === 4 ? 32 : 128;
  const size = 1n << BigInt(total - cidr.prefix);
  const last = cidr.family === 4 ? size - 1n : size; // IPv4 broadcast is not a host
  for (let off = 2n; off < last && off < 1_000_000n; off++) {
    const ip = formatIp({ family: cidr.family, value: cidr.network + off });
    if (!used.has(ip)) return ip;
  }
  throw new LabError('conflict', `no free address left in ${formatCidr(cidr)}`);
}

const RESERVED_V4 = ['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/3'];
const RESERVED_V6 = ['::/127', 'fe80::/10', 'ff00::/8', '::ffff:0:0/96'];

/** Parses a pinned pod address: unicast, not loopback/link-local/multicast, not a node's. */
export function checkPinned(text: string, family: IpFamily, nodeNet: Cidr | undefined, what: string): string {
  const ip = parseIp(text);
  if (ip === undefined || ip.family !== family) {
    throw new LabError('invalid-argument', `${what}: ${JSON.stringify(text)} is not an IPv${family} address`);
  }
  for (const r of family === 4 ? RESERVED_V4 : RESERVED_V6) {
    const c = parseCidr(r);
    if (c !== undefined && cidrContainsIp(c, ip)) throw new LabError('invalid-argument', `${what}: ${text} is in reserved range ${r}`);
  }
  if (nodeNet !== undefined && cidrContainsIp(nodeNet, ip)) {
    throw new LabError('invalid-argument', `${what}: ${text} is in the lab's node range ${formatCidr(nodeNet)}`);
  }
  if (family === 4 && ip.value === 0xffffffffn) throw new LabError('invalid-argument', `${what}: ${text} is the broadcast address`);
  return formatIp(ip);
}

export function contains(cidrText: string, ipText: string): boolean {
  const c = parseCidr(cidrText);
  const ip: IpAddress | undefined = parseIp(ipText);
  return c !== undefined && ip !== undefined && cidrContainsIp(c, ip);
}

/** `addr/prefix` → the host-route CIDR text (`/32` or `/128`). */
export function hostRoute(ipText: string): string {
  return ipText.includes(':') ? `${ipText}/128` : `${ipText}/32`;
}
