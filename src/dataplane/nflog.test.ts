// The nfnetlink_log wire format, table-driven: packet messages built as the kernel builds
// them (nfnetlink_log.c __build_packet_message: nlmsghdr, nfgenmsg, NFULA_* attributes) are
// read back to the prefix, addresses and ports; errors and acks are told apart; the bind
// requests have the layout nfnetlink_log.h defines (group in network byte order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindMessages, droppedBy, packetHeaders, parseDatagram } from './nflog.ts';

function attr(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const out = Buffer.alloc((len + 3) & ~3);
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  payload.copy(out, 4);
  return out;
}

function message(type: number, seq: number, body: Buffer): Buffer {
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + body.length, 0);
  hdr.writeUInt16LE(type, 4);
  hdr.writeUInt32LE(seq, 8);
  return Buffer.concat([hdr, body]);
}

/** A packet message of group 2417 as the kernel sends it: packet header, prefix (NUL-terminated), payload. */
function logged(prefix: string, payload: Buffer, family = 2): Buffer {
  const nfgen = Buffer.from([family, 0, 0x09, 0x71]);
  const hdr = Buffer.from([0x08, 0x00, 2, 0]);
  return message((4 << 8) | 0, 0, Buffer.concat([nfgen, attr(1, hdr), attr(10, Buffer.from(`${prefix}\0`)), attr(0x4000 | 9, payload)]));
}

function ipv4(proto: number, src: number[], dst: number[], l4: number[], fragOffset = 0): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + l4.length, 2);
  h.writeUInt16BE(fragOffset, 6);
  h[8] = 64;
  h[9] = proto;
  Buffer.from(src).copy(h, 12);
  Buffer.from(dst).copy(h, 16);
  return Buffer.concat([h, Buffer.from(l4)]);
}

function ipv6(next: number, src: string, dst: string, rest: number[]): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(rest.length, 4);
  h[6] = next;
  h[7] = 64;
  const words = (a: string): number[] => {
    const [head = '', tail = ''] = a.split('::');
    const hw = head === '' ? [] : head.split(':');
    const tw = tail === '' ? [] : tail.split(':');
    return [...hw, ...Array<string>(8 - hw.length - tw.length).fill('0'), ...tw].map((w) => parseInt(w, 16));
  };
  words(src).forEach((w, i) => h.writeUInt16BE(w, 8 + 2 * i));
  words(dst).forEach((w, i) => h.writeUInt16BE(w, 24 + 2 * i));
  return Buffer.concat([h, Buffer.from(rest)]);
}

const ports = (s: number, d: number): number[] => [s >> 8, s & 0xff, d >> 8, d & 0xff];

test('packetHeaders reads addresses, protocol and ports of IPv4 and IPv6 packets', () => {
  const cases = [
    { name: 'IPv4 TCP SYN', p: ipv4(6, [10, 1, 0, 5], [10, 1, 0, 4], [...ports(40000, 80), 0, 0, 0, 0]), want: { family: 4, src: '10.1.0.5', dst: '10.1.0.4', protocol: 'TCP', srcPort: 40000, dstPort: 80 } },
    { name: 'IPv4 UDP', p: ipv4(17, [192, 168, 1, 1], [10, 0, 0, 1], ports(5353, 53)), want: { family: 4, src: '192.168.1.1', dst: '10.0.0.1', protocol: 'UDP', srcPort: 5353, dstPort: 53 } },
    { name: 'IPv4 SCTP', p: ipv4(132, [10, 0, 0, 2], [10, 0, 0, 3], ports(1000, 9)), want: { family: 4, src: '10.0.0.2', dst: '10.0.0.3', protocol: 'SCTP', srcPort: 1000, dstPort: 9 } },
    { name: 'IPv4 ICMP has no ports', p: ipv4(1, [10, 0, 0, 2], [10, 0, 0, 3], [8, 0, 0, 0]), want: { family: 4, src: '10.0.0.2', dst: '10.0.0.3', protocol: 'ICMP' } },
    { name: 'IPv4 later fragment has no ports', p: ipv4(6, [10, 0, 0, 2], [10, 0, 0, 3], ports(1, 2), 0x00b9), want: { family: 4, src: '10.0.0.2', dst: '10.0.0.3', protocol: 'TCP' } },
    { name: 'IPv4 cut before the ports', p: ipv4(6, [10, 0, 0, 2], [10, 0, 0, 3], [0, 1]), want: { family: 4, src: '10.0.0.2', dst: '10.0.0.3', protocol: 'TCP' } },
    { name: 'other protocol by number', p: ipv4(47, [10, 0, 0, 2], [10, 0, 0, 3], []), want: { family: 4, src: '10.0.0.2', dst: '10.0.0.3', protocol: 'IP protocol 47' } },
    { name: 'IPv6 TCP, RFC 5952 text', p: ipv6(6, 'fd00:10::5', 'fd00:10::4', ports(41000, 443)), want: { family: 6, src: 'fd00:10::5', dst: 'fd00:10::4', protocol: 'TCP', srcPort: 41000, dstPort: 443 } },
    { name: 'IPv6 after a hop-by-hop header', p: ipv6(0, '2001:db8::1', '2001:db8:0:1::2', [17, 0, 0, 0, 0, 0, 0, 0, ...ports(7, 8)]), want: { family: 6, src: '2001:db8::1', dst: '2001:db8:0:1::2', protocol: 'UDP', srcPort: 7, dstPort: 8 } },
    { name: 'IPv6 ICMPv6', p: ipv6(58, '::1', 'fe80::1:0:0:1', [128, 0]), want: { family: 6, src: '::1', dst: 'fe80::1:0:0:1', protocol: 'ICMPv6' } },
    { name: 'IPv6 without zero runs', p: ipv6(17, '1:2:3:4:5:6:7:8', '1:0:3:4:5:6:7:8', ports(1, 2)), want: { family: 6, src: '1:2:3:4:5:6:7:8', dst: '1:0:3:4:5:6:7:8', protocol: 'UDP', srcPort: 1, dstPort: 2 } },
  ];
  for (const c of cases) assert.deepEqual(packetHeaders(c.p), c.want, c.name);
  for (const bad of [Buffer.alloc(0), Buffer.from([0x45, 0, 0]), Buffer.alloc(20, 0x20), Buffer.from([0x60, 0])]) assert.equal(packetHeaders(bad), undefined);
});

test('parseDatagram reads every packet message and every ack of a datagram', () => {
  const syn = ipv4(6, [10, 1, 0, 5], [10, 1, 0, 4], ports(40000, 80));
  const error = Buffer.alloc(4);
  error.writeInt32LE(-16, 0);
  const ok = Buffer.alloc(4);
  const dgram = Buffer.concat([
    logged('palisade drop NetworkPolicy demo/demo-policy: ', syn),
    message(2, 7, Buffer.concat([ok, Buffer.alloc(16)])),
    message(2, 8, Buffer.concat([error, Buffer.alloc(16)])),
    logged('palisade drop ClusterNetworkPolicy deny-all: ', ipv6(17, 'fd00::1', 'fd00::2', ports(9, 10)), 10),
    logged('not ours: ', Buffer.alloc(3)),
  ]);
  const r = parseDatagram(dgram);
  assert.deepEqual(r.acks, [{ seq: 7, errno: 0 }, { seq: 8, errno: 16 }]);
  assert.deepEqual(r.packets, [
    { prefix: 'palisade drop NetworkPolicy demo/demo-policy: ', family: 4, src: '10.1.0.5', dst: '10.1.0.4', protocol: 'TCP', srcPort: 40000, dstPort: 80 },
    { prefix: 'palisade drop ClusterNetworkPolicy deny-all: ', family: 6, src: 'fd00::1', dst: 'fd00::2', protocol: 'UDP', srcPort: 9, dstPort: 10 },
  ], 'a payload that is not IP is skipped');
  assert.deepEqual(parseDatagram(Buffer.concat([dgram.subarray(0, 10)])), { packets: [], acks: [] }, 'a cut message is ignored');
});

test('bindMessages binds the group (network byte order) and asks for packet copies, each acknowledged', () => {
  const [bind, mode] = bindMessages(2417, 5, 96);
  assert.ok(bind !== undefined && mode !== undefined);
  for (const [m, seq] of [[bind, 5], [mode, 6]] as const) {
    assert.equal(m.readUInt32LE(0), m.length, 'nlmsg_len');
    assert.equal(m.readUInt16LE(4), (4 << 8) | 1, 'NFNL_SUBSYS_ULOG / NFULNL_MSG_CONFIG');
    assert.equal(m.readUInt16LE(6), 0x1 | 0x4, 'NLM_F_REQUEST | NLM_F_ACK');
    assert.equal(m.readUInt32LE(8), seq);
    assert.equal(m.readUInt16BE(18), 2417, 'res_id: the group');
  }
  assert.deepEqual([...bind.subarray(20, 25)], [5, 0, 1, 0, 1], 'NFULA_CFG_CMD: BIND');
  assert.equal(mode.readUInt16LE(22), 2, 'NFULA_CFG_MODE');
  assert.equal(mode.readUInt32BE(24), 96, 'copy range');
  assert.equal(mode[28], 2, 'NFULNL_COPY_PACKET');
});

test('droppedBy reads the policy out of a drop chain prefix and nothing else', () => {
  const cases = [
    { prefix: 'palisade drop NetworkPolicy demo/demo-policy: ', want: 'NetworkPolicy demo/demo-policy' },
    { prefix: 'palisade drop ClusterNetworkPolicy deny-all: ', want: 'ClusterNetworkPolicy deny-all' },
    { prefix: 'palisade drop CiliumNetworkPolicy app/a-very-long-name.: ', want: 'CiliumNetworkPolicy app/a-very-long-name.' },
    { prefix: 'palisade drop : ', want: undefined },
    { prefix: 'calico-drop: ', want: undefined },
    { prefix: '', want: undefined },
  ];
  for (const c of cases) assert.equal(droppedBy(c.prefix), c.want, c.prefix);
});
