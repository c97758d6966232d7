// Where the agent's objects come from. The embedded store (embedded-store-source.ts) and,
// later, a real API server through @kubernetes/client-node informers both implement this
// one interface, so the agent runs unchanged in either mode.
//
// Contract (the same as a client-go reflector's):
// - Per resource (`group/version/resource`, see store/resource-registry.ts resourceKey),
//   `onReplace(resource, objects)` delivers the complete current list: at start and after
//   every relist. Events that follow are relative to the last replace of their resource.
// - `onSynced()` is called once, after every resource has had its first replace: before
//   that the agent has only part of the cluster and must not act on it.
// - `onEvent` delivers ADDED / MODIFIED / DELETED in resourceVersion order per resource.
// - When a watch breaks, the source resumes it from the last resourceVersion it saw; when
//   that is too old (410 Gone) or resuming fails, it relists (a new `onReplace`). Retries
//   back off exponentially. Failures are reported through `onError`; they never stop the
//   source, only `stop()` does.
//
// For a real API server (sources/kubernetes, issue 5) the same reflector maps onto
// @kubernetes/client-node: per resource, a list (KubernetesObjectApi / the resource's
// list call) → onReplace with the list's metadata.resourceVersion, then `Watch.watch(path,
// { resourceVersion, allowWatchBookmarks: true })` → onEvent; a 410 status or a watch
// that ends → resume or relist with backoff, exactly as embedded-store-source.ts does.
// (client-node's makeInformer also works: its initial list → onReplace, its add / update /
// delete → onEvent, its error → onError and a restart after a backoff.) The status writer
// for it is a JSON merge patch of metadata.annotations (status-writer.ts), which needs RBAC
// `patch` on the policy resources.
import type { StoredObject } from '../store/store-object.ts';

/** A Kubernetes object as plain JSON (apiVersion, kind, metadata with uid and resourceVersion). */
export type SourceObject = StoredObject;

export interface SourceEvent {
  readonly resource: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** For DELETED: the last state. */
  readonly object: SourceObject;
}

export interface SourceHandler {
  onReplace(resource: string, objects: readonly SourceObject[]): void;
  onEvent(event: SourceEvent): void;
  onSynced(): void;
  /** A list or watch failed; the source retries by itself. */
  onError?(err: unknown, context: { readonly resource: string; readonly retryInMs: number }): void;
}

export interface SourceSubscription {
  /** Ends every watch and pending retry; no handler call happens after it returns. */
  stop(): void;
}

export interface ObjectSource {
  /** Human description for logs, e.g. `embedded store` or `https://10.0.0.1:443`. */
  readonly description: string;
  start(handler: SourceHandler): SourceSubscription;
}
