// The shapes the store keeps and hands out: Kubernetes objects as plain JSON (as the API
// server would serialise them), lists, and watch events. Objects handed out are
// deep-frozen; copy before changing.

export interface ObjectMeta {
  readonly name: string;
  /** Present exactly for namespaced resources. */
  readonly namespace?: string;
  readonly uid: string;
  /** The global revision of the write that produced this version, a decimal integer string. */
  readonly resourceVersion: string;
  readonly creationTimestamp: string;
  readonly generation?: number;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface StoredObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly [field: string]: unknown;
}

/** What a client submits: metadata.name is required, server-set fields are optional. */
export interface ObjectInput {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

export interface ObjectList {
  readonly apiVersion: string;
  /** e.g. `NetworkPolicyList` */
  readonly kind: string;
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly StoredObject[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  readonly type: WatchEventType;
  /**
   * The object after the change; for DELETED the last state with the deletion's
   * resourceVersion (as etcd watches report it); for BOOKMARK only apiVersion, kind and
   * metadata.resourceVersion (plus the `k8s.io/initial-events-end` annotation when it
   * ends the initial events).
   */
  readonly object: StoredObject;
}

/** Annotation of the BOOKMARK that ends the initial events of a watch (KEP-3157). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';
