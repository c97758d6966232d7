// A netlink socket bound to one nfnetlink_log group, through libc bound with koffi (Node
// has no netlink sockets). Opened in the calling thread's network namespace (so in the
// drop log's worker after it entered the node's), with a receive timeout so the reading
// loop can notice that it should stop. Loaded only inside that worker, like libnftables.ts.
import koffi from 'koffi';
import { bindMessages, NETLINK, parseDatagram } from './nflog.ts';
import type { ParsedBatch } from './nflog.ts';

const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVTIMEO = 20;
const EAGAIN = 11;
const EINTR = 4;
const ENOBUFS = 105;

const ERRNO_TEXT: Readonly<Record<number, string>> = {
  1: 'EPERM (another listener holds the group in this network namespace, or no CAP_NET_ADMIN)',
  16: 'EBUSY (another listener holds the group in this network namespace)',
  93: 'EPROTONOSUPPORT (the kernel has no nfnetlink_log)',
  97: 'EAFNOSUPPORT (no netlink)',
};

export class NflogSocketError extends Error {}

export interface NflogSocket {
  /** Waits up to the receive timeout for one datagram: undefined on timeout, `lost` when the kernel dropped messages (the socket's buffer was full). */
  receive(): ParsedBatch | 'lost' | undefined;
  close(): void;
}

function errnoText(e: number): string {
  return ERRNO_TEXT[e] ?? `errno ${e}`;
}

/** Opens and binds the socket to `group`; throws NflogSocketError saying why it cannot. */
export function openNflogSocket(group: number, timeoutMs = 200, receiveBuffer = 1 << 20): NflogSocket {
  const libc = koffi.load('libc.so.6');
  const socket = libc.func('int socket(int domain, int type, int protocol)');
  const bind = libc.func('int bind(int fd, void *addr, uint32_t len)');
  const sendto = libc.func('long sendto(int fd, void *buf, size_t len, int flags, void *addr, uint32_t alen)');
  const recv = libc.func('long recv(int fd, void *buf, size_t len, int flags)');
  const setsockopt = libc.func('int setsockopt(int fd, int level, int name, void *value, uint32_t len)');
  const close = libc.func('int close(int fd)');

  const fd = socket(NETLINK.AF_NETLINK, NETLINK.SOCK_RAW | NETLINK.SOCK_CLOEXEC, NETLINK.NETLINK_NETFILTER) as number;
  if (fd < 0) throw new NflogSocketError(`cannot open a netfilter netlink socket: ${errnoText(koffi.errno())}`);
  const buf = Buffer.alloc(1 << 16);
  const fail = (what: string, errno: number): never => {
    close(fd);
    throw new NflogSocketError(`${what}: ${errnoText(errno)}`);
  };
  const kernel = Buffer.alloc(12);
  kernel.writeUInt16LE(NETLINK.AF_NETLINK, 0);
  if (bind(fd, kernel, kernel.length) !== 0) fail('cannot bind the netlink socket', koffi.errno());
  const rcvbuf = Buffer.alloc(4);
  rcvbuf.writeInt32LE(receiveBuffer, 0);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, 4);
  const tv = Buffer.alloc(16);
  tv.writeBigInt64LE(BigInt(Math.floor(timeoutMs / 1000)), 0);
  tv.writeBigInt64LE(BigInt((timeoutMs % 1000) * 1000), 8);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, tv.length) !== 0) fail('cannot set the receive timeout', koffi.errno());

  const receiveRaw = (): number => {
    const n = Number(recv(fd, buf, buf.length, 0));
    return n < 0 ? -koffi.errno() : n;
  };
  // Each configuration request is acknowledged: wait for its answer before the next.
  const seq = 1;
  for (const [i, msg] of bindMessages(group, seq).entries()) {
    if (Number(sendto(fd, msg, msg.length, 0, kernel, kernel.length)) < 0) fail(`cannot configure nflog group ${group}`, koffi.errno());
    const want = seq + i;
    for (;;) {
      const n = receiveRaw();
      if (n === -EINTR) continue;
      if (n < 0) fail(`no answer configuring nflog group ${group}`, -n);
      const ack = parseDatagram(buf.subarray(0, n)).acks.find((a) => a.seq === want);
      if (ack === undefined) continue;
      if (ack.errno !== 0) fail(`cannot bind nflog group ${group}`, ack.errno);
      break;
    }
  }

  let closed = false;
  return {
    receive: () => {
      const n = receiveRaw();
      if (n === -EAGAIN || n === -EINTR) return undefined;
      if (n === -ENOBUFS) return 'lost';
      if (n < 0) throw new NflogSocketError(`reading nflog group ${group} failed: ${errnoText(-n)}`);
      return parseDatagram(buf.subarray(0, n));
    },
    close: () => {
      if (closed) return;
      closed = true;
      close(fd);
    },
  };
}
