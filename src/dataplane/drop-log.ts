// The kernel's log of dropped packets for one network namespace: a worker thread joins the
// namespace and reads the drop chains' nflog group (nflog.ts, nflog-socket.ts), so the
// main thread never blocks on the socket. Each logged packet names the policy that dropped
// it (its prefix) and its addresses and ports. The kernel logs at most 10 packets a second
// per policy (render.ts); when the socket's buffer overflows, `onLost` is told.
import { Worker } from 'node:worker_threads';
import { checkNetnsName } from './applier.ts';
import { DROP_LOG_GROUP } from './nflog.ts';
import type { LoggedPacket } from './nflog.ts';

/** Sent to the worker as workerData. */
export interface DropLogStart {
  readonly netns: string | null;
  readonly group: number;
  /** Int32 flag: the owner sets it to 1 to stop the reading loop. */
  readonly stop: SharedArrayBuffer;
}

export type DropLogFromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'packets'; readonly packets: readonly LoggedPacket[] }
  | { readonly type: 'lost' }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };

export interface DropLogHandler {
  onPackets(packets: readonly LoggedPacket[]): void;
  /** The kernel dropped log messages (the reader fell behind). */
  onLost?(): void;
  /** The reader stopped on an error after it was ready. */
  onError?(message: string): void;
}

export interface DropLog {
  readonly description: string;
  close(): Promise<void>;
}

export class DropLogError extends Error {}

/** Starts reading; rejects with DropLogError when the group cannot be bound (says why). */
export function openDropLog(netns: string | null, handler: DropLogHandler, group = DROP_LOG_GROUP): Promise<DropLog> {
  if (netns !== null) checkNetnsName(netns);
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const where = netns === null ? 'the host network namespace' : `netns ${netns}`;
  const worker = new Worker(new URL('./drop-log-worker.ts', import.meta.url), { workerData: { netns, group, stop } satisfies DropLogStart });
  return new Promise((resolve, reject) => {
    let ready = false;
    let ended: () => void = () => undefined;
    const finished = new Promise<void>((r) => { ended = r; });
    worker.on('message', (m: DropLogFromWorker) => {
      if (m.type === 'packets') handler.onPackets(m.packets);
      else if (m.type === 'lost') handler.onLost?.();
      else if (m.type === 'stopped') ended();
      else if (m.type === 'failed') {
        if (ready) handler.onError?.(m.error);
        else reject(new DropLogError(`cannot read the drop log (nflog group ${group}) in ${where}: ${m.error}`));
      } else {
        ready = true;
        // Reading must not keep the process alive by itself (the owner closes it when it stops).
        worker.unref();
        resolve({
          description: `nflog group ${group} in ${where}`,
          close: async () => {
            Atomics.store(flag, 0, 1);
            await finished;
          },
        });
      }
    });
    worker.on('error', (e) => {
      if (ready) handler.onError?.(e.message);
      else reject(new DropLogError(`cannot read the drop log in ${where}: ${e.message}`));
      ended();
    });
    worker.on('exit', () => {
      if (!ready) reject(new DropLogError(`the drop log reader for ${where} ended before it was ready`));
      ended();
    });
  });
}
