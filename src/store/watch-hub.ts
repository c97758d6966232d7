// Fans committed changes out to watchers, in commit order, and keeps a bounded history so
// a watch can resume from a recent resourceVersion; older ones get GoneError (410) and the
// client relists, as with the API server's watch cache.
//
// Delivery is by synchronous callback, after the write is durable. Callbacks may write to
// the store: deliveries go through one FIFO queue drained by the outermost caller, so
// every watcher still sees events in resourceVersion order. A callback that throws is
// stopped (its onClose gets the error); the store and other watchers are unaffected.
import { deepFreeze } from './json-value.ts';
import type { ObjectFilter } from './object-filter.ts';
import type { ResourceType } from './resource-registry.ts';
import { apiVersionOf, resourceKey } from './resource-registry.ts';
import { GoneError } from './store-errors.ts';
import type { StoredObject, WatchEvent } from './store-object.ts';
import { INITIAL_EVENTS_END_ANNOTATION } from './store-object.ts';

export interface ChangeEvent {
  readonly rv: number;
  readonly resource: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: StoredObject;
  /** The previous version, for MODIFIED (a selector may stop or start matching). */
  readonly old?: StoredObject;
}

export type WatchListener = (event: WatchEvent) => void;

export interface Watch {
  stop(): void;
  readonly stopped: boolean;
}

export interface Subscription {
  readonly type: ResourceType;
  readonly filter: ObjectFilter;
  readonly listener: WatchListener;
  readonly allowBookmarks: boolean;
  readonly onClose?: (err?: unknown) => void;
  /** Current objects to send as ADDED first (then a BOOKMARK ending them, if allowed). */
  readonly initial?: readonly StoredObject[];
  /** Replay changes after this resourceVersion (ignored when `initial` is given). */
  readonly afterRv?: number;
  readonly signal?: AbortSignal;
}

interface Watcher {
  readonly sub: Subscription;
  readonly key: string;
  stopped: boolean;
  stop(err?: unknown): void;
}

function withRv(object: StoredObject, rv: number): StoredObject {
  return deepFreeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } });
}

function bookmarkObject(type: ResourceType, rv: number, initialEnd: boolean): StoredObject {
  return deepFreeze({
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    metadata: {
      resourceVersion: String(rv),
      ...(initialEnd ? { annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } } : {}),
    } as StoredObject['metadata'],
  });
}

/** What a watcher with this filter sees of a change (kube's cacher turns selector transitions into ADDED / DELETED). */
function project(filter: ObjectFilter, ev: ChangeEvent): WatchEvent | undefined {
  const now = filter(ev.object);
  if (ev.type !== 'MODIFIED') return now ? { type: ev.type, object: ev.object } : undefined;
  const before = ev.old !== undefined && filter(ev.old);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: ev.object };
  if (before && ev.old !== undefined) return { type: 'DELETED', object: withRv(ev.old, ev.rv) };
  return undefined;
}

export class WatchHub {
  readonly #historySize: number;
  #history: ChangeEvent[] = [];
  /** Changes up to this resourceVersion are no longer in the history. */
  #compactedThrough: number;
  readonly #watchers = new Set<Watcher>();
  #queue: Array<{ watcher: Watcher; event: WatchEvent }> = [];
  #draining = false;

  constructor(historySize: number, compactedThrough: number) {
    if (!Number.isInteger(historySize) || historySize < 1) throw new Error(`watch history size must be a positive integer, got ${historySize}`);
    this.#historySize = historySize;
    this.#compactedThrough = compactedThrough;
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumable(): number {
    return this.#compactedThrough;
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Records committed changes (in order) and delivers them. */
  publish(events: readonly ChangeEvent[]): void {
    for (const ev of events) {
      this.#history.push(ev);
      for (const w of this.#watchers) {
        if (w.key !== ev.resource) continue;
        const out = project(w.sub.filter, ev);
        if (out !== undefined) this.#queue.push({ watcher: w, event: out });
      }
    }
    this.#trim();
    this.#drain();
  }

  /** Adds changes to the history without delivering them (replay on open). */
  remember(events: readonly ChangeEvent[]): void {
    this.#history.push(...events);
    this.#trim();
  }

  /** Throws GoneError when `afterRv` is older than the history. */
  subscribe(sub: Subscription, currentRv: number): Watch {
    const key = resourceKey(sub.type);
    if (sub.initial === undefined && sub.afterRv !== undefined && sub.afterRv < this.#compactedThrough) {
      throw new GoneError(String(sub.afterRv), String(this.#compactedThrough));
    }
    const watcher: Watcher = {
      sub, key, stopped: false,
      stop: (err?: unknown) => {
        if (watcher.stopped) return;
        watcher.stopped = true;
        this.#watchers.delete(watcher);
        sub.signal?.removeEventListener('abort', onAbort);
        try {
          sub.onClose?.(err);
        } catch {
          // A failing close handler must not break delivery to the other watchers.
        }
      },
    };
    const onAbort = (): void => watcher.stop();
    if (sub.signal?.aborted === true) {
      watcher.stopped = true;
      return { stop: () => undefined, stopped: true };
    }
    sub.signal?.addEventListener('abort', onAbort);
    if (sub.initial !== undefined) {
      for (const object of sub.initial) if (sub.filter(object)) this.#queue.push({ watcher, event: { type: 'ADDED', object } });
      if (sub.allowBookmarks) this.#queue.push({ watcher, event: { type: 'BOOKMARK', object: bookmarkObject(sub.type, currentRv, true) } });
    } else if (sub.afterRv !== undefined) {
      for (const ev of this.#history) {
        if (ev.rv <= sub.afterRv || ev.resource !== key) continue;
        const out = project(sub.filter, ev);
        if (out !== undefined) this.#queue.push({ watcher, event: out });
      }
    }
    this.#watchers.add(watcher);
    this.#drain();
    return {
      stop: () => watcher.stop(),
      get stopped() { return watcher.stopped; },
    };
  }

  /** Sends a BOOKMARK at `rv` to every watcher that allowed bookmarks (callers run this on a timer). */
  bookmark(rv: number): void {
    for (const w of this.#watchers) {
      if (w.sub.allowBookmarks) this.#queue.push({ watcher: w, event: { type: 'BOOKMARK', object: bookmarkObject(w.sub.type, rv, false) } });
    }
    this.#drain();
  }

  /** Ends every watch (store closing). */
  closeAll(): void {
    for (const w of [...this.#watchers]) w.stop();
  }

  #trim(): void {
    // Drop in chunks so trimming stays amortised O(1) per event.
    if (this.#history.length <= this.#historySize * 2) return;
    const drop = this.#history.length - this.#historySize;
    const last = this.#history[drop - 1];
    if (last !== undefined) this.#compactedThrough = last.rv;
    this.#history = this.#history.slice(drop);
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      // Index walk instead of shift(): initial lists can be large.
      for (let i = 0; i < this.#queue.length; i++) {
        const item = this.#queue[i];
        if (item === undefined) continue;
        const { watcher, event } = item;
        if (watcher.stopped) continue;
        try {
          watcher.sub.listener(event);
        } catch (err) {
          watcher.stop(err);
        }
      }
    } finally {
      this.#queue.length = 0;
      this.#draining = false;
    }
  }
}
