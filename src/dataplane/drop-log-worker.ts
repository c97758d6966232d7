// Worker-thread entry of openDropLog() (drop-log.ts): joins the namespace, binds the drop
// log's nflog group, says `ready` (or why it cannot), then posts what the kernel logs
// until the owner raises the stop flag; the socket is closed before the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import type { DropLogFromWorker, DropLogStart } from './drop-log.ts';

const port = parentPort;
if (port === null) throw new Error('drop-log-worker.ts runs only as a worker thread');
const { netns, group, stop } = workerData as DropLogStart;
const post = (m: DropLogFromWorker): void => port.postMessage(m);
const flag = new Int32Array(stop);
try {
  const { enterNetns } = await import('./libnftables.ts');
  const { openNflogSocket } = await import('./nflog-socket.ts');
  if (netns !== null) enterNetns(netns);
  const socket = openNflogSocket(group);
  post({ type: 'ready' });
  try {
    // recv() waits at most the socket's timeout, so the flag is seen within it.
    while (Atomics.load(flag, 0) === 0) {
      const got = socket.receive();
      if (got === undefined) continue;
      if (got === 'lost') post({ type: 'lost' });
      else if (got.packets.length > 0) post({ type: 'packets', packets: got.packets });
    }
  } finally {
    socket.close();
  }
  post({ type: 'stopped' });
} catch (e) {
  post({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
}
