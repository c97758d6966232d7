// The watch response: a chunked stream of `{"type":...,"object":...}` lines (one JSON
// watch event per line, as client-go's and client-node's decoders read), ended by
// timeoutSeconds, the client going away, or the server closing. A resourceVersion too
// old for the history answers 200 with one ERROR event carrying the 410 Expired Status,
// as the API server's watch cache does, so clients relist.
import type { ObjectStore } from '../store/object-store.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { isStoreError } from '../store/store-errors.ts';
import type { WatchEvent } from '../store/store-object.ts';
import type { IncludeObject } from './table.ts';
import { toTable } from './table.ts';

export interface WatchRequest {
  readonly store: ObjectStore;
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean | undefined;
  readonly timeoutSeconds: number | undefined;
  /** Ends the stream (the client went away, the server is closing). */
  readonly signal: AbortSignal;
  /** Each event's object as a one-row Table (kubectl get -w). */
  readonly table: { readonly now: () => number; readonly includeObject: IncludeObject } | undefined;
}

const encoder = new TextEncoder();

function line(value: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify(value)}\n`);
}

/**
 * Starts the watch now, so that a bad selector or a too-new resourceVersion throws (and
 * becomes an HTTP error) before any byte is sent; Expired becomes an ERROR event.
 */
export function watchResponse(req: WatchRequest): Response {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const pending: Uint8Array[] = [];
  let closed = false;
  const send = (chunk: Uint8Array): void => {
    if (closed) return;
    if (controller === undefined) pending.push(chunk);
    else controller.enqueue(chunk);
  };
  let timer: NodeJS.Timeout | undefined;
  let stop: () => void = () => undefined;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    req.signal.removeEventListener('abort', finish);
    stop();
    try {
      controller?.close();
    } catch {
      // Already closed by a cancelled reader.
    }
  };
  const encode = (e: WatchEvent): unknown => {
    if (req.table === undefined || e.type === 'BOOKMARK') return e;
    return { type: e.type, object: toTable(req.type, [e.object], req.table.now(), { includeObject: req.table.includeObject }) };
  };
  try {
    const watch = req.store.watch(req.type, {
      ...(req.namespace === undefined ? {} : { namespace: req.namespace }),
      ...(req.labelSelector === undefined ? {} : { labelSelector: req.labelSelector }),
      ...(req.fieldSelector === undefined ? {} : { fieldSelector: req.fieldSelector }),
      ...(req.resourceVersion === undefined ? {} : { resourceVersion: req.resourceVersion }),
      ...(req.sendInitialEvents === undefined ? {} : { sendInitialEvents: req.sendInitialEvents }),
      allowBookmarks: req.allowBookmarks,
      onClose: () => queueMicrotask(finish),
    }, (e) => send(line(encode(e))));
    stop = () => watch.stop();
  } catch (err) {
    if (!isStoreError(err, 'Expired')) throw err;
    send(line({ type: 'ERROR', object: err.toStatus() }));
    closed = true;
  }
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const chunk of pending.splice(0)) c.enqueue(chunk);
      if (closed) c.close();
    },
    cancel() {
      finish();
    },
  });
  if (!closed) {
    if (req.signal.aborted) finish();
    else req.signal.addEventListener('abort', finish);
    if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) timer = setTimeout(finish, req.timeoutSeconds * 1000);
  }
  return new Response(stream, {
    status: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' },
  });
}
