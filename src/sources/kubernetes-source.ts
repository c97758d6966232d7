// The agent's objects from a real Kubernetes API server (the DaemonSet mode), through
// @kubernetes/client-node's informer machinery: one ListWatch per resource (list, then
// watch from the list's resourceVersion; resume after a watch ends; relist after 410 Gone)
// with two things of ours around it, so that the object-source contract holds exactly:
// - the list is fetched as raw JSON (kube-rest.ts) and handed over whole as onReplace,
//   and events are taken from the watch stream as sent, before ListWatch's own cache (its
//   add/update/delete callbacks are diffs against that cache: not what the contract says);
// - ListWatch stops on a failed list or a broken connection: we restart it after a backoff
//   (it resumes from the last resourceVersion seen), and a consumer that throws on an event
//   ends that watch so the event is replayed on resume, as the embedded source does.
// A resource the server does not serve (a policy CRD that is not installed: 404) counts as
// an empty list, and is listed again now and then until it appears. Every `resyncMs` the
// resources are relisted from scratch (a new onReplace), which repairs anything a watch
// could have missed. Each ListWatch carries a generation: callbacks of a replaced or
// stopped one are ignored, so nothing reaches the handler after stop().
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { ListWatch, Watch } from '@kubernetes/client-node';
import { handlerKey } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import { DEFAULT_HANDLERS } from '../api/handlers.ts';
import type { ResourceType } from '../store/resource-registry.ts';
import { apiVersionOf, resourceKey, ResourceRegistry } from '../store/resource-registry.ts';
import type { BackoffOptions, Timers } from './backoff.ts';
import { backoffDelay, GLOBAL_TIMERS } from './backoff.ts';
import { collectionPath, KubeRequestError, listAll } from './kube-rest.ts';
import type { ObjectSource, SourceHandler, SourceObject, SourceSubscription } from './object-source.ts';

export interface KubernetesSourceOptions {
  readonly kubeConfig: KubeConfig;
  /** Default: the resources of the default registry (core kinds and the policy CRDs of every dialect) that `handlers` can convert. */
  readonly resources?: readonly ResourceType[];
  /** Added to `resources`: policy CRDs of registered dialects (projectcalico.org, cilium.io, ...). */
  readonly extraResources?: readonly ResourceType[];
  readonly handlers?: HandlerTable;
  readonly backoff?: BackoffOptions;
  readonly timers?: Timers;
  /** Relist every resource this often; 0 never. Default 30 minutes. */
  readonly resyncMs?: number;
  /** How often a resource the server does not serve (404) is listed again; default 60 s. */
  readonly absentRetryMs?: number;
  /** Items per list page; default 500. */
  readonly pageSize?: number;
}

/** The resources followed by default: those of the registry (default: the store's default one) that src/api can convert. */
export function defaultKubernetesResources(handlers: HandlerTable = DEFAULT_HANDLERS, types: readonly ResourceType[] = new ResourceRegistry().all()): ResourceType[] {
  return types.filter((t) => handlers.has(handlerKey(apiVersionOf(t), t.kind)));
}

/** The server does not serve the resource (its CRD is not installed). */
export class ResourceNotServedError extends Error {
  constructor(key: string, cause: unknown) {
    super(`the API server does not serve ${key} (404): following it as empty until it appears`, { cause });
    this.name = 'ResourceNotServedError';
  }
}

interface ResourceState {
  readonly type: ResourceType;
  readonly key: string;
  readonly path: string;
  informer: ListWatch<KubernetesObject> | undefined;
  /** Bumped whenever the informer is replaced or stopped: older callbacks are ignored. */
  gen: number;
  listed: boolean;
  /** Last list answered 404; reported once, then polled quietly. */
  absent: boolean;
  failures: number;
  timer: unknown;
}

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

export function kubernetesSource(o: KubernetesSourceOptions): ObjectSource {
  const timers = o.timers ?? GLOBAL_TIMERS;
  const kc = o.kubeConfig;
  const server = kc.getCurrentCluster()?.server ?? 'no current cluster';
  return {
    description: server,
    start(handler: SourceHandler): SourceSubscription {
      const types = [...(o.resources ?? defaultKubernetesResources(o.handlers)), ...(o.extraResources ?? [])];
      const states = types.map((type): ResourceState => ({
        type, key: resourceKey(type), path: collectionPath(type), informer: undefined, gen: 0, listed: false, absent: false, failures: 0, timer: undefined,
      }));
      let stopped = false;
      let synced = false;
      let resyncTimer: unknown;

      const live = (s: ResourceState, gen: number): boolean => !stopped && s.gen === gen;

      const failed = (s: ResourceState, gen: number, err: unknown): void => {
        // One retry at a time: a broken watch reports both our error and ListWatch's.
        if (!live(s, gen) || s.timer !== undefined) return;
        let delay: number;
        if (err instanceof ResourceNotServedError) {
          delay = o.absentRetryMs ?? 60_000;
          if (!s.absent) handler.onError?.(err, { resource: s.key, retryInMs: delay });
          s.absent = true;
        } else {
          s.failures++;
          delay = backoffDelay(s.failures, o.backoff);
          handler.onError?.(err, { resource: s.key, retryInMs: delay });
        }
        s.timer = timers.setTimeout(() => {
          s.timer = undefined;
          if (live(s, gen)) s.informer?.start().catch((e: unknown) => failed(s, gen, e));
        }, delay);
      };

      const listed = (s: ResourceState, items: readonly SourceObject[]): void => {
        handler.onReplace(s.key, items);
        s.listed = true;
        s.failures = 0;
        if (!synced && states.every((x) => x.listed)) {
          synced = true;
          handler.onSynced();
        }
      };

      /** Client-node's Watch with the events delivered to the handler first (see the header). */
      const watchFor = (s: ResourceState, gen: number): Watch => {
        // client-node reopens a watch that sends nothing for 30 s (its inactivity timeout).
        return new (class extends Watch {
          override async watch(path: string, params: Record<string, unknown>, cb: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
            if (!live(s, gen)) return new AbortController();
            let broken = false;
            let ctl: AbortController | undefined;
            const onLine = (phase: string, obj: unknown, raw?: unknown): void => {
              if (broken || !live(s, gen)) return;
              if (EVENT_TYPES.has(phase) && typeof obj === 'object' && obj !== null) {
                try {
                  handler.onEvent({ resource: s.key, type: phase as 'ADDED' | 'MODIFIED' | 'DELETED', object: obj as SourceObject });
                } catch (err) {
                  // Not passed on: ListWatch's resourceVersion stays before this event, so the resumed watch replays it.
                  broken = true;
                  ctl?.abort();
                  failed(s, gen, err);
                  return;
                }
                s.failures = 0;
              }
              cb(phase, obj, raw);
            };
            try {
              ctl = await super.watch(path, { ...params, allowWatchBookmarks: true }, onLine, done);
              if (broken) ctl.abort();
              return ctl;
            } catch (err) {
              // Thrown before connecting (no cluster, unreadable token): report it the way a failed connection is.
              timers.setTimeout(() => done(err), 0);
              return new AbortController();
            }
          }
        })(kc);
      };

      /** A fresh ListWatch for the resource: lists, replaces, watches. */
      const begin = (s: ResourceState): void => {
        s.informer?.stop().catch(() => undefined);
        if (s.timer !== undefined) timers.clearTimeout(s.timer);
        s.timer = undefined;
        const gen = ++s.gen;
        const listFn = async (): Promise<{ metadata: { resourceVersion: string }; items: KubernetesObject[] }> => {
          let list;
          try {
            list = await listAll(kc, s.type, o.pageSize);
          } catch (err) {
            if (err instanceof KubeRequestError && err.statusCode === 404) {
              if (live(s, gen) && (!s.listed || !s.absent)) listed(s, []);
              throw new ResourceNotServedError(s.key, err);
            }
            throw err;
          }
          if (!live(s, gen)) throw new Error('superseded');
          s.absent = false;
          listed(s, list.items);
          return { metadata: { resourceVersion: list.resourceVersion }, items: list.items as unknown as KubernetesObject[] };
        };
        const delayFn = (ms: number): Promise<void> => new Promise((resolve) => { timers.setTimeout(resolve, ms); });
        const informer = new ListWatch<KubernetesObject>(s.path, watchFor(s, gen), listFn, false, undefined, undefined, { delayFn });
        informer.on('error', (err: unknown) => failed(s, gen, err));
        s.informer = informer;
        informer.start().catch((err: unknown) => failed(s, gen, err));
      };

      const resync = (): void => {
        resyncTimer = undefined;
        if (stopped) return;
        for (const s of states) begin(s);
        armResync();
      };
      const armResync = (): void => {
        const every = o.resyncMs ?? 30 * 60_000;
        if (every > 0) resyncTimer = timers.setTimeout(resync, every);
      };

      for (const s of states) begin(s);
      if (states.length === 0) {
        synced = true;
        handler.onSynced();
      }
      armResync();
      return {
        stop(): void {
          stopped = true;
          if (resyncTimer !== undefined) timers.clearTimeout(resyncTimer);
          resyncTimer = undefined;
          for (const s of states) {
            s.gen++;
            if (s.timer !== undefined) timers.clearTimeout(s.timer);
            s.timer = undefined;
            s.informer?.stop().catch(() => undefined);
          }
        },
      };
    },
  };
}
