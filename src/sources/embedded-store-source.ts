// The agent's objects from the embedded store: per resource, list, then watch from the
// list's resourceVersion (gap-free: the store is in this process and delivers
// synchronously), bookmarks advance the resume point. A watch that ends unexpectedly
// (a handler threw, the store went away) is resumed from the last resourceVersion seen,
// after a backoff; when that is older than the store's history (410 Gone) the resource is
// relisted. The resources are those of the store's registry that src/api can convert, so
// a dialect that registers its CRD and its handler is picked up with no change here.
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { apiVersionOf, resourceKey } from '../store/resource-registry.ts';
import { GoneError } from '../store/store-errors.ts';
import type { Watch } from '../store/watch-hub.ts';
import type { BackoffOptions, Timers } from './backoff.ts';
import { backoffDelay, GLOBAL_TIMERS } from './backoff.ts';
import type { ObjectSource, SourceHandler, SourceSubscription } from './object-source.ts';

export interface EmbeddedStoreSourceOptions {
  /** Resources to follow; default every registered resource whose kind `handlers` can convert. */
  readonly resources?: readonly ResourceType[];
  readonly handlers?: HandlerTable;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
}

/** The registered resources the api layer can convert (namespaces, pods, nodes, services, networkpolicies, and CRDs of later dialects). */
export function convertibleResources(store: ObjectStore, handlers: HandlerTable = DEFAULT_HANDLERS): ResourceType[] {
  return store.registry.all().filter((t) => handlers.has(handlerKey(apiVersionOf(t), t.kind)));
}

interface ResourceState {
  readonly type: ResourceType;
  readonly key: string;
  listed: boolean;
  lastRv: string;
  watch: Watch | undefined;
  timer: unknown;
  /** Consecutive failures, for the backoff. */
  failures: number;
}

export function embeddedStoreSource(store: ObjectStore, opts: EmbeddedStoreSourceOptions = {}): ObjectSource {
  const timers = opts.timers ?? GLOBAL_TIMERS;
  return {
    description: 'embedded store',
    start(handler: SourceHandler): SourceSubscription {
      const types = opts.resources ?? convertibleResources(store, opts.handlers);
      const states = types.map((type): ResourceState => ({ type, key: resourceKey(type), listed: false, lastRv: '', watch: undefined, timer: undefined, failures: 0 }));
      let stopped = false;
      let synced = false;

      const retry = (s: ResourceState, err: unknown, next: () => void): void => {
        if (stopped) return;
        s.failures++;
        const delay = backoffDelay(s.failures, opts.backoff);
        handler.onError?.(err, { resource: s.key, retryInMs: delay });
        s.timer = timers.setTimeout(() => {
          s.timer = undefined;
          if (!stopped) next();
        }, delay);
      };

      const relist = (s: ResourceState): void => {
        if (stopped) return;
        const old = s.watch;
        s.watch = undefined;
        old?.stop();
        let rv: string;
        try {
          const list = store.list(s.type);
          rv = list.metadata.resourceVersion;
          handler.onReplace(s.key, list.items);
        } catch (err) {
          retry(s, err, () => relist(s));
          return;
        }
        s.lastRv = rv;
        s.listed = true;
        if (!synced && states.every((x) => x.listed)) {
          synced = true;
          handler.onSynced();
        }
        watchFrom(s);
      };

      const watchFrom = (s: ResourceState): void => {
        if (stopped) return;
        let current: Watch | undefined;
        try {
          current = store.watch(s.type, {
            resourceVersion: s.lastRv,
            allowBookmarks: true,
            onClose: (err) => {
              // Ours to restart only if it is still the live watch and nobody stopped us.
              if (stopped || s.watch !== current) return;
              s.watch = undefined;
              retry(s, err ?? new Error(`watch of ${s.key} ended`), () => watchFrom(s));
            },
          }, (ev) => {
            if (stopped) return;
            if (ev.type !== 'BOOKMARK') handler.onEvent({ resource: s.key, type: ev.type, object: ev.object });
            // After the handler: an event it threw on is replayed when the watch resumes.
            s.lastRv = ev.object.metadata.resourceVersion;
            s.failures = 0;
          });
        } catch (err) {
          if (err instanceof GoneError) {
            relist(s);
            return;
          }
          retry(s, err, () => watchFrom(s));
          return;
        }
        // A watch that closed while replaying (its handler threw) has already scheduled its retry.
        if (!current.stopped) s.watch = current;
      };

      for (const s of states) relist(s);
      if (states.length === 0) {
        synced = true;
        handler.onSynced();
      }
      return {
        stop(): void {
          stopped = true;
          for (const s of states) {
            if (s.timer !== undefined) timers.clearTimeout(s.timer);
            s.timer = undefined;
            const w = s.watch;
            s.watch = undefined;
            w?.stop();
          }
        },
      };
    },
  };
}
