# SCTP by raw packets, for kernels without SCTP sockets (and Node.js, which has no raw
# sockets at all). Two modes, each run inside one lab network namespace:
#
#   respond PORT...   the destination pod: answers an INIT to a declared port with an
#                     INIT-ACK (as a listening SCTP socket would) and an INIT to any other
#                     port with an ABORT (as the kernel does for an out-of-the-blue INIT).
#                     Writes "ready" on fd $PALISADE_READY_FD once the socket is open.
#   probe             the source pod: reads {"timeoutMs", "targets": [{"key","ip","port"}]}
#                     on stdin, sends one INIT per target from a fresh source port and
#                     prints {"results": {key: {"status","message"}}} on stdout:
#                     connected (INIT-ACK), REFUSED (ABORT or ICMP unreachable), TIMEOUT.
#
# The packets are well-formed (RFC 9260: common header, CRC32c, INIT/INIT-ACK/ABORT
# chunks), so netfilter's SCTP conntrack sees an INIT as a new connection and the
# INIT-ACK as its reply, like a real association's first round trip. Nothing after the
# INIT-ACK is exchanged: the probe answers "would an association start", which is what a
# NetworkPolicy decides.
import json
import os
import random
import select
import socket
import struct
import sys
import time

IPPROTO_SCTP = 132
INIT, INIT_ACK, ABORT = 1, 2, 6


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def packet(sport, dport, vtag, chunks):
    body = struct.pack('!HHII', sport, dport, vtag, 0) + chunks
    # RFC 9260 appendix A: the CRC32c goes into the header in little-endian byte order.
    return body[:8] + struct.pack('<I', crc32c(body)) + body[12:]


def chunk(ctype, flags, value):
    c = struct.pack('!BBH', ctype, flags, 4 + len(value)) + value
    return c + b'\0' * (-len(c) % 4)


def init_chunk(ctype, tag, extra=b''):
    # initiate tag, a_rwnd, outbound streams, inbound streams, initial TSN.
    return chunk(ctype, 0, struct.pack('!IIHHI', tag, 65536, 10, 10, tag) + extra)


def parse(data, family):
    """(src ip, sctp header fields, first chunk type) of a received packet, or None."""
    if family == socket.AF_INET:
        ihl = (data[0] & 0x0F) * 4
        src = socket.inet_ntop(socket.AF_INET, data[12:16])
        data = data[ihl:]
    else:
        src = None
    if len(data) < 16:
        return None
    sport, dport, vtag, _ = struct.unpack('!HHII', data[:12])
    ctype = data[12]
    value = data[16:]
    return src, sport, dport, vtag, ctype, value


def open_raw(family):
    s = socket.socket(family, socket.SOCK_RAW, IPPROTO_SCTP)
    s.setblocking(False)
    return s


def signal_ready():
    fd = os.environ.get('PALISADE_READY_FD')
    if fd and fd.isdigit() and int(fd) >= 3:
        try:
            os.write(int(fd), b'ready\n')
            os.close(int(fd))
        except OSError:
            pass


def respond(ports):
    socks = [open_raw(socket.AF_INET)]
    try:
        socks.append(open_raw(socket.AF_INET6))
    except OSError:
        pass
    sys.stderr.write('answering SCTP INIT by raw packets on ports %s (no SCTP sockets in this kernel)\n' % ','.join(map(str, sorted(ports))))
    sys.stderr.flush()
    signal_ready()
    while True:
        readable, _, _ = select.select(socks, [], [])
        for s in readable:
            try:
                data, addr = s.recvfrom(65535)
            except OSError:
                continue
            p = parse(data, s.family)
            if p is None:
                continue
            src, sport, dport, vtag, ctype, value = p
            if ctype != INIT or vtag != 0 or len(value) < 16:
                continue
            peer_tag = struct.unpack('!I', value[:4])[0]
            if dport in ports:
                cookie = os.urandom(8)
                reply = chunk(INIT_ACK, 0, struct.pack('!IIHHI', random.randint(1, 0xFFFFFFFF), 65536, 10, 10, 1)
                              + struct.pack('!HH', 7, 4 + len(cookie)) + cookie)
            else:
                reply = chunk(ABORT, 0, b'')
            dst = src if src is not None else addr[0]
            try:
                s.sendto(packet(dport, sport, peer_tag, reply), (dst, 0))
            except OSError:
                pass


def probe(req):
    timeout = max(1, int(req.get('timeoutMs', 1000))) / 1000.0
    socks = {}
    icmp = {}
    pending = {}
    results = {}
    used = set()
    for t in req['targets']:
        family = socket.AF_INET6 if ':' in t['ip'] else socket.AF_INET
        try:
            if family not in socks:
                socks[family] = open_raw(family)
                icmp_proto = socket.IPPROTO_ICMPV6 if family == socket.AF_INET6 else socket.IPPROTO_ICMP
                icmp[family] = socket.socket(family, socket.SOCK_RAW, icmp_proto)
                icmp[family].setblocking(False)
            sport = random.randint(32768, 60999)
            while sport in used:
                sport = random.randint(32768, 60999)
            used.add(sport)
            tag = random.randint(1, 0xFFFFFFFF)
            socks[family].sendto(packet(sport, t['port'], 0, init_chunk(INIT, tag)), (t['ip'], 0))
            pending[(t['ip'], t['port'], sport)] = (t['key'], tag)
        except OSError as e:
            results[t['key']] = {'status': 'OTHER', 'message': 'OTHER: dial sctp %s: %s' % (t['ip'], e.strerror or e)}
    deadline = time.monotonic() + timeout
    by_sport = {k[2]: k for k in pending}
    all_socks = list(socks.values()) + list(icmp.values())
    while pending and time.monotonic() < deadline:
        readable, _, _ = select.select(all_socks, [], [], max(0, deadline - time.monotonic()))
        for s in readable:
            try:
                data, addr = s.recvfrom(65535)
            except OSError:
                continue
            if s in icmp.values():
                hit = icmp_reply(data, s.family)
                if hit is not None and hit in by_sport and by_sport[hit] in pending:
                    k = by_sport.pop(hit)
                    key, _ = pending.pop(k)
                    results[key] = {'status': 'REFUSED', 'message': 'REFUSED'}
                continue
            p = parse(data, s.family)
            if p is None:
                continue
            src, sport, dport, vtag, ctype, _ = p
            src = src if src is not None else addr[0]
            k = (src, sport, dport)
            if k not in pending or pending[k][1] != vtag:
                continue
            key, _ = pending.pop(k)
            by_sport.pop(dport, None)
            if ctype == INIT_ACK:
                results[key] = {'status': 'connected', 'message': ''}
            elif ctype == ABORT:
                results[key] = {'status': 'REFUSED', 'message': 'REFUSED'}
    for key, _ in pending.values():
        results[key] = {'status': 'TIMEOUT', 'message': 'TIMEOUT'}
    return {'results': results}


def icmp_reply(data, family):
    """The SCTP source port quoted by an ICMP destination-unreachable, or None."""
    if family == socket.AF_INET:
        data = data[(data[0] & 0x0F) * 4:]
        if len(data) < 8 or data[0] != 3:
            return None
        inner = data[8:]
        if len(inner) < 20 or inner[9] != IPPROTO_SCTP:
            return None
        inner = inner[(inner[0] & 0x0F) * 4:]
    else:
        if len(data) < 8 or data[0] != 1:
            return None
        inner = data[8:]
        if len(inner) < 40 or inner[6] != IPPROTO_SCTP:
            return None
        inner = inner[40:]
    if len(inner) < 2:
        return None
    return struct.unpack('!H', inner[:2])[0]


def main(argv):
    if len(argv) >= 1 and argv[0] == 'respond':
        ports = set()
        for a in argv[1:]:
            if not a.isdigit() or not 1 <= int(a) <= 65535:
                sys.stderr.write('respond: invalid port %r\n' % a)
                return 2
            ports.add(int(a))
        respond(ports)
        return 0
    if len(argv) == 1 and argv[0] == 'probe':
        json.dump(probe(json.load(sys.stdin)), sys.stdout)
        sys.stdout.write('\n')
        return 0
    sys.stderr.write('usage: sctp-raw.py respond PORT... | probe < request.json\n')
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
