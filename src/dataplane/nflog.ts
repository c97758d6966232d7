// The nfnetlink_log wire format, pure: the configuration messages that bind a socket to a
// log group, and the parsing of what the kernel sends for each logged packet (its prefix
// and the first bytes of the packet, read down to the ports). The drop chains log with
// `log group` (render.ts) rather than to the kernel's syslog: syslog logging is off in
// every network namespace but the host's (net.netfilter.nf_log_all_netns=0), so lab nodes
// could never log, and on a real node a line in dmesg is far from the agent's own log.
// Layouts: include/uapi/linux/netfilter/nfnetlink_log.h, nfnetlink.h, linux/netlink.h.

/** The group the drop chains log to (one number per network namespace; Calico's flow logs use 1 and 2). */
export const DROP_LOG_GROUP = 2417;
/** Bytes of each dropped packet copied to the listener: the IPv6 header and a transport header fit. */
export const DROP_LOG_SNAPLEN = 96;

const NETLINK_NETFILTER = 12;
const NFNL_SUBSYS_ULOG = 4;
const NFULNL_MSG_PACKET = 0;
const NFULNL_MSG_CONFIG = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NFULA_CFG_CMD = 1;
const NFULA_CFG_MODE = 2;
const NFULNL_CFG_CMD_BIND = 1;
const NFULNL_COPY_PACKET = 2;
const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;
const NLA_TYPE_MASK = 0x3fff;

export const NETLINK = Object.freeze({ AF_NETLINK: 16, SOCK_RAW: 3, SOCK_CLOEXEC: 0o2000000, NETLINK_NETFILTER });

export type LoggedProtocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP' | 'ICMPv6' | `IP protocol ${number}`;

/** One packet as the kernel logged it. */
export interface LoggedPacket {
  readonly prefix: string;
  readonly family: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly protocol: LoggedProtocol;
  readonly srcPort?: number;
  readonly dstPort?: number;
}

/** A netlink error answer to one of our requests (errno as a positive number). */
export interface NetlinkAck {
  readonly seq: number;
  readonly errno: number;
}

const align4 = (n: number): number => (n + 3) & ~3;

function attribute(type: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(align4(4 + payload.length));
  out.writeUInt16LE(4 + payload.length, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

function configMessage(group: number, seq: number, attr: Buffer): Buffer {
  const nfgen = Buffer.alloc(4);
  nfgen.writeUInt8(0, 0); // AF_UNSPEC: the group takes packets of every family
  nfgen.writeUInt8(0, 1); // NFNETLINK_V0
  nfgen.writeUInt16BE(group, 2);
  const len = 16 + nfgen.length + attr.length;
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(len, 0);
  hdr.writeUInt16LE((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG, 4);
  hdr.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK, 6);
  hdr.writeUInt32LE(seq, 8);
  hdr.writeUInt32LE(0, 12);
  return Buffer.concat([hdr, nfgen, attr]);
}

/** Binds the socket to `group` (seq), then asks for packet copies of up to `copyRange` bytes (seq + 1); each is acknowledged. */
export function bindMessages(group: number, seq: number, copyRange = 0xffff - 4): Buffer[] {
  const cmd = Buffer.from([NFULNL_CFG_CMD_BIND]);
  const mode = Buffer.alloc(6);
  mode.writeUInt32BE(copyRange, 0);
  mode.writeUInt8(NFULNL_COPY_PACKET, 4);
  return [configMessage(group, seq, attribute(NFULA_CFG_CMD, cmd)), configMessage(group, seq + 1, attribute(NFULA_CFG_MODE, mode))];
}

function attributes(buf: Buffer, start: number, end: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = start;
  while (at + 4 <= end) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > end) break;
    out.set(buf.readUInt16LE(at + 2) & NLA_TYPE_MASK, buf.subarray(at + 4, at + len));
    at += align4(len);
  }
  return out;
}

function ipv4(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ipv6(b: Buffer, at: number): string {
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(b.readUInt16BE(at + 2 * i).toString(16));
  // The longest run of two or more zero words becomes '::' (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

const PROTOCOL_NUMBERS: Readonly<Record<number, LoggedProtocol>> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP', 1: 'ICMP', 58: 'ICMPv6' };
/** IPv6 extension headers walked to reach the transport header (hop-by-hop, routing, destination options). */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

/** The addresses, protocol and ports of a packet that starts at its network header; undefined when it is not IP or too short. */
export function packetHeaders(p: Buffer): Omit<LoggedPacket, 'prefix'> | undefined {
  if (p.length < 1) return undefined;
  const version = p[0]! >> 4;
  let proto: number;
  let l4: number;
  let family: 4 | 6;
  let src: string;
  let dst: string;
  if (version === 4) {
    if (p.length < 20) return undefined;
    family = 4;
    proto = p[9]!;
    l4 = (p[0]! & 0x0f) * 4;
    src = ipv4(p, 12);
    dst = ipv4(p, 16);
    // Only the first fragment carries the ports.
    if ((p.readUInt16BE(6) & 0x1fff) !== 0) l4 = Number.POSITIVE_INFINITY;
  } else if (version === 6) {
    if (p.length < 40) return undefined;
    family = 6;
    proto = p[6]!;
    l4 = 40;
    src = ipv6(p, 8);
    dst = ipv6(p, 24);
    while (IPV6_EXTENSIONS.has(proto) && l4 + 2 <= p.length) {
      const next = p[l4]!;
      l4 += (p[l4 + 1]! + 1) * 8;
      proto = next;
    }
  } else {
    return undefined;
  }
  const protocol = PROTOCOL_NUMBERS[proto] ?? (`IP protocol ${proto}` as const);
  const ported = proto === 6 || proto === 17 || proto === 132;
  const ports = ported && l4 + 4 <= p.length ? { srcPort: p.readUInt16BE(l4), dstPort: p.readUInt16BE(l4 + 2) } : {};
  return { family, src, dst, protocol, ...ports };
}

export interface ParsedBatch {
  readonly packets: readonly LoggedPacket[];
  readonly acks: readonly NetlinkAck[];
}

/** Every netlink message of one datagram: logged packets and answers to requests. */
export function parseDatagram(buf: Buffer): ParsedBatch {
  const packets: LoggedPacket[] = [];
  const acks: NetlinkAck[] = [];
  let at = 0;
  while (at + 16 <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < 16 || at + len > buf.length) break;
    const type = buf.readUInt16LE(at + 4);
    const seq = buf.readUInt32LE(at + 8);
    if (type === NLMSG_ERROR && len >= 20) {
      const error = buf.readInt32LE(at + 16);
      acks.push({ seq, errno: error === 0 ? 0 : -error });
    } else if (type === ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET) && len >= 20) {
      const attrs = attributes(buf, at + 20, at + len);
      const payload = attrs.get(NFULA_PAYLOAD);
      const prefixRaw = attrs.get(NFULA_PREFIX);
      const prefix = prefixRaw === undefined ? '' : prefixRaw.toString('utf8').replace(/\0.*$/s, '');
      const headers = payload === undefined ? undefined : packetHeaders(payload);
      // The family is the hook's (IPv4 or IPv6 for an inet table); the payload's own header says which it is.
      if (headers !== undefined) packets.push({ prefix, ...headers });
    } else if (type === NLMSG_DONE) {
      break;
    }
    at += align4(len);
  }
  return { packets, acks };
}

/** The policy named by a drop chain's log prefix (render.ts logPrefix), or undefined for another prefix. */
export function droppedBy(prefix: string): string | undefined {
  const m = /^palisade drop (.+): $/s.exec(prefix);
  return m?.[1];
}
