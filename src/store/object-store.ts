// The embedded control plane's store: Kubernetes-shaped objects keyed by resource,
// namespace and name, with the API server's write semantics (server-set uid,
// creationTimestamp, generation; optimistic concurrency on resourceVersion; no-op updates
// change nothing; status as a subresource; namespaces labelled and deleted with their
// contents), one global resourceVersion counter, admission validation, and list/watch.
// Every write is made durable by the Persistence before memory changes and watchers hear
// of it; a write that fails (validation, conflict, disk) changes nothing.
import type { AdmissionResult, FieldValidation, Validator } from './admission.ts';
import type { Clock, IdGenerator } from './clock.ts';
import { formatTimestamp } from './clock.ts';
import type { JsonObject } from './json-value.ts';
import { deepFreeze, isJsonObject, jsonClone, jsonEqual } from './json-value.ts';
import { prepareNamespace } from './namespace-strategy.ts';
import type { FilterOptions } from './object-filter.ts';
import { compileFilter } from './object-filter.ts';
import type { Persistence } from './persistence.ts';
import { memoryPersistence } from './persistence.ts';
import type { ResourceRef, ResourceType } from './resource-registry.ts';
import { NAMESPACES, ResourceRegistry, apiVersionOf, resourceKey } from './resource-registry.ts';
import type { SnapshotState } from './snapshot-file.ts';
import type { StatusCause } from './store-errors.ts';
import {
  MODIFIED_DETAIL, StoreError, alreadyExists, badRequest, conflict, forbidden, invalid, notFound, tooLargeResourceVersion,
} from './store-errors.ts';
import type { ObjectInput, ObjectList, StoredObject } from './store-object.ts';
import type { ChangeEvent, Watch, WatchListener } from './watch-hub.ts';
import { WatchHub } from './watch-hub.ts';
import type { WalOp } from './wal.ts';

/** Created on open when missing and never deletable, as kube-apiserver's system namespaces. */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface StoreOptions {
  readonly clock: Clock;
  readonly idGenerator: IdGenerator;
  readonly registry?: ResourceRegistry;
  /** Default: in memory only. */
  readonly persistence?: Persistence;
  /** Admission per resourceKey; resources without an entry use `defaultValidator`. */
  readonly validators?: ReadonlyMap<string, Validator>;
  readonly defaultValidator?: Validator;
  /** Changes kept for watch resumption; default 10,000. */
  readonly historySize?: number;
  readonly systemNamespaces?: readonly string[];
}

export interface WriteOptions {
  /** Run every check and return the would-be object, store nothing (dryRun=All). */
  readonly dryRun?: boolean;
  /** What unknown fields do: Strict rejects (BadRequest), Warn (default, as the API server) warns, Ignore drops silently. */
  readonly fieldValidation?: FieldValidation;
  /** Receives admission warnings (the API server sends them as `Warning` headers). */
  readonly warnings?: string[];
}

export interface UpdateOptions extends WriteOptions {
  /** `status`: change only .status (the /status subresource); otherwise status is kept for resources that have the subresource. */
  readonly subresource?: 'status';
}

export interface DeleteOptions {
  readonly dryRun?: boolean;
  /** Delete only if the stored object still has this uid / resourceVersion (else Conflict). */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export type ListOptions = FilterOptions;

export interface WatchOptions extends FilterOptions {
  /**
   * Absent, `` or `0`: send the current objects as ADDED, then changes. A number: only
   * changes after it (GoneError when older than the history; Timeout when newer than the store).
   */
  readonly resourceVersion?: string;
  /** Receive BOOKMARK events (from `bookmark()` and at the end of the initial events). */
  readonly allowBookmarks?: boolean;
  /** Overrides whether the current objects are sent first (defaults as for resourceVersion). */
  readonly sendInitialEvents?: boolean;
  readonly signal?: AbortSignal;
  /** Called once when the watch ends: stop(), abort, store close, or a listener that threw (with the error). */
  readonly onClose?: (err?: unknown) => void;
}

interface Change {
  readonly op: 'put' | 'delete';
  readonly type: ResourceType;
  /** Without its new resourceVersion yet. */
  readonly object: StoredObject;
  readonly old?: StoredObject;
}

const PATH_SEGMENT_FORBIDDEN = ['/', '%'];

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function compareKeys(a: StoredObject, b: StoredObject): number {
  const ka = objectKey(a.metadata.namespace, a.metadata.name);
  const kb = objectKey(b.metadata.namespace, b.metadata.name);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function parseRv(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw badRequest(`invalid resource version ${JSON.stringify(value)}: must be a non-negative integer`);
  return Number(value);
}

/** Everything but metadata and status: what a change of bumps metadata.generation. */
function specPart(o: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export class ObjectStore {
  readonly registry: ResourceRegistry;
  readonly #clock: Clock;
  readonly #newId: IdGenerator;
  readonly #persistence: Persistence;
  readonly #validators: ReadonlyMap<string, Validator>;
  readonly #defaultValidator: Validator | undefined;
  readonly #systemNamespaces: readonly string[];
  /** resourceKey → objectKey → object */
  readonly #objects = new Map<string, Map<string, StoredObject>>();
  readonly #hub: WatchHub;
  #rv = 0;
  #closed = false;

  /** Loads the persisted state (snapshot, then log replay) and creates missing system namespaces. */
  constructor(opts: StoreOptions) {
    this.registry = opts.registry ?? new ResourceRegistry();
    this.#clock = opts.clock;
    this.#newId = opts.idGenerator;
    this.#persistence = opts.persistence ?? memoryPersistence();
    this.#validators = opts.validators ?? new Map();
    this.#defaultValidator = opts.defaultValidator;
    this.#systemNamespaces = opts.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES;
    try {
      const { snapshot, records } = this.#persistence.load();
      for (const { resource, object } of snapshot.objects) this.#put(resource, deepFreeze(object));
      this.#rv = snapshot.rv;
      this.#hub = new WatchHub(opts.historySize ?? 10_000, snapshot.rv);
      for (const record of records) {
        this.#hub.remember(record.ops.map((op, i) => this.#replay(op, record.rv - record.ops.length + 1 + i)));
        this.#rv = record.rv;
      }
      for (const name of this.#systemNamespaces) {
        if (this.#bucket(resourceKey(NAMESPACES)).has(objectKey(undefined, name))) continue;
        this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      }
    } catch (err) {
      this.#persistence.close();
      throw err;
    }
  }

  /** The resourceVersion of the last committed write. */
  get resourceVersion(): string {
    return String(this.#rv);
  }

  get(ref: ResourceRef, name: string, namespace?: string): StoredObject {
    const type = this.#type(ref);
    const ns = this.#scope(type, namespace);
    const found = this.#bucket(resourceKey(type)).get(objectKey(ns, name));
    if (found === undefined) throw notFound(type, name);
    return found;
  }

  list(ref: ResourceRef, opts: ListOptions = {}): ObjectList {
    const type = this.#type(ref);
    const filter = compileFilter(type, opts);
    const items = [...this.#bucket(resourceKey(type)).values()].filter(filter).sort(compareKeys);
    return { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: String(this.#rv) }, items };
  }

  create(input: ObjectInput, opts: WriteOptions = {}): StoredObject {
    this.#open();
    const { type, obj, meta, name, namespace } = this.#prepare(input);
    if (typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] !== '') {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    if (namespace !== undefined && !this.#bucket(resourceKey(NAMESPACES)).has(objectKey(undefined, namespace))) {
      throw notFound(NAMESPACES, namespace);
    }
    if (this.#bucket(resourceKey(type)).has(objectKey(namespace, name))) throw alreadyExists(type, name);
    meta['uid'] = this.#newId();
    meta['creationTimestamp'] = formatTimestamp(this.#clock.now());
    meta['generation'] = 1;
    delete meta['deletionTimestamp'];
    meta['resourceVersion'] = '';
    if (resourceKey(type) === resourceKey(NAMESPACES)) prepareNamespace(obj, undefined);
    const object = obj as unknown as StoredObject;
    this.#admit(type, 'CREATE', object, undefined, opts);
    if (opts.dryRun === true) return deepFreeze(object);
    const [event] = this.#commit([{ op: 'put', type, object }]);
    if (event === undefined) throw new Error('internal error: a commit produced no event');
    return event.object;
  }

  update(input: ObjectInput, opts: UpdateOptions = {}): StoredObject {
    this.#open();
    const { type, obj, meta, name, namespace } = this.#prepare(input);
    const old = this.#bucket(resourceKey(type)).get(objectKey(namespace, name));
    if (old === undefined) throw notFound(type, name);
    const rv = meta['resourceVersion'];
    if (typeof rv === 'string' && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(type, name, MODIFIED_DETAIL);
    const uid = meta['uid'];
    if (typeof uid === 'string' && uid !== '' && uid !== old.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid}`);
    }
    let next: JsonObject;
    if (opts.subresource === 'status') {
      next = jsonClone(old) as JsonObject;
      if (obj['status'] === undefined) delete next['status'];
      else next['status'] = obj['status'];
    } else {
      next = obj;
      if (type.statusSubresource) {
        if (old.status === undefined) delete next['status'];
        else next['status'] = old.status;
      }
      // Server-owned metadata cannot be changed by clients.
      const nextMeta = next['metadata'] as JsonObject;
      nextMeta['uid'] = old.metadata.uid;
      nextMeta['creationTimestamp'] = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp === undefined) delete nextMeta['deletionTimestamp'];
      else nextMeta['deletionTimestamp'] = old.metadata.deletionTimestamp;
      if (resourceKey(type) === resourceKey(NAMESPACES)) prepareNamespace(next, old);
      const generation = old.metadata.generation ?? 1;
      nextMeta['generation'] = jsonEqual(specPart(next), specPart(old as unknown as JsonObject)) ? generation : generation + 1;
    }
    (next['metadata'] as JsonObject)['resourceVersion'] = old.metadata.resourceVersion;
    const object = next as unknown as StoredObject;
    this.#admit(type, 'UPDATE', object, old, opts);
    // As the API server: an update that changes nothing writes nothing and emits no event.
    if (jsonEqual(object, old) || opts.dryRun === true) return opts.dryRun === true ? deepFreeze(object) : old;
    const [event] = this.#commit([{ op: 'put', type, object, old }]);
    if (event === undefined) throw new Error('internal error: a commit produced no event');
    return event.object;
  }

  /** Deletes and returns the last state; a namespace takes its namespaced objects with it, in the same commit. */
  delete(ref: ResourceRef, name: string, namespace?: string, opts: DeleteOptions = {}): StoredObject {
    this.#open();
    const type = this.#type(ref);
    const ns = this.#scope(type, namespace);
    const old = this.#bucket(resourceKey(type)).get(objectKey(ns, name));
    if (old === undefined) throw notFound(type, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    const changes: Change[] = [];
    if (resourceKey(type) === resourceKey(NAMESPACES)) {
      if (this.#systemNamespaces.includes(name)) throw forbidden(type, name, 'this namespace may not be deleted');
      for (const t of this.registry.all()) {
        if (!t.namespaced) continue;
        const contents = [...this.#bucket(resourceKey(t)).values()].filter((o) => o.metadata.namespace === name).sort(compareKeys);
        for (const o of contents) changes.push({ op: 'delete', type: t, object: o });
      }
    }
    changes.push({ op: 'delete', type, object: old });
    if (opts.dryRun === true) return old;
    const events = this.#commit(changes);
    const last = events[events.length - 1];
    if (last === undefined) throw new Error('internal error: a commit produced no event');
    return last.object;
  }

  /**
   * Calls `listener` with each event, synchronously and in resourceVersion order, until
   * the returned Watch is stopped (see watch-hub.ts). Throws BadRequest for a bad
   * selector, GoneError (410) for a resourceVersion older than the history.
   */
  watch(ref: ResourceRef, opts: WatchOptions, listener: WatchListener): Watch {
    this.#open();
    const type = this.#type(ref);
    const filter = compileFilter(type, opts);
    const rv = opts.resourceVersion ?? '';
    const fromNow = rv === '' || rv === '0';
    const afterRv = fromNow ? this.#rv : parseRv(rv);
    if (afterRv > this.#rv) throw tooLargeResourceVersion(rv, String(this.#rv));
    const initial = opts.sendInitialEvents ?? fromNow;
    return this.#hub.subscribe({
      type, filter, listener,
      allowBookmarks: opts.allowBookmarks === true,
      ...(initial ? { initial: [...this.#bucket(resourceKey(type)).values()].sort(compareKeys) } : { afterRv }),
      ...(opts.onClose === undefined ? {} : { onClose: opts.onClose }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    }, this.#rv);
  }

  /** Sends a BOOKMARK with the current resourceVersion to watchers that allow them; call it periodically (kube: about every minute). */
  bookmark(): void {
    this.#hub.bookmark(this.#rv);
  }

  /** Writes a snapshot now, blocking, and empties the log (done in the background as the log grows). */
  compact(): void {
    this.#open();
    this.#persistence.compact(this.#snapshotData());
  }

  /** Ends all watches and releases the store (and its directory lock). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.closeAll();
    this.#persistence.close();
  }

  #open(): void {
    if (this.#closed) throw new Error('the store is closed');
  }

  #type(ref: ResourceRef): ResourceType {
    const type = this.registry.get(ref);
    if (type === undefined) {
      throw new StoreError('NotFound', 'the server could not find the requested resource', { group: ref.group, kind: ref.resource });
    }
    return type;
  }

  #scope(type: ResourceType, namespace: string | undefined): string | undefined {
    if (!type.namespaced) return undefined;
    if (namespace === undefined || namespace === '') throw badRequest(`a namespace is required for ${type.resource}`);
    return namespace;
  }

  #bucket(key: string): Map<string, StoredObject> {
    let bucket = this.#objects.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      this.#objects.set(key, bucket);
    }
    return bucket;
  }

  #put(resource: string, object: StoredObject): StoredObject | undefined {
    const bucket = this.#bucket(resource);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const old = bucket.get(key);
    bucket.set(key, object);
    return old;
  }

  #replay(op: WalOp, rv: number): ChangeEvent {
    const object = deepFreeze(op.object);
    if (op.op === 'delete') {
      this.#bucket(op.resource).delete(objectKey(object.metadata.namespace, object.metadata.name));
      return { rv, resource: op.resource, type: 'DELETED', object };
    }
    const old = this.#put(op.resource, object);
    return old === undefined
      ? { rv, resource: op.resource, type: 'ADDED', object }
      : { rv, resource: op.resource, type: 'MODIFIED', object, old };
  }

  /** A private, checked copy of the input with its resource type and identity. */
  #prepare(input: ObjectInput): { type: ResourceType; obj: JsonObject; meta: JsonObject; name: string; namespace: string | undefined } {
    if (!isJsonObject(input)) throw badRequest('the request body must be a JSON object');
    const obj = jsonClone(input) as unknown as JsonObject;
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
      throw badRequest('Object \'Kind\' or \'apiVersion\' is missing: both must be set');
    }
    const type = this.registry.byKind(apiVersion, kind);
    if (type === undefined) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
    const rawName = isJsonObject(obj['metadata']) ? obj['metadata']['name'] : undefined;
    const name = typeof rawName === 'string' ? rawName : '';
    const causes: StatusCause[] = [];
    if (!isJsonObject(obj['metadata'])) obj['metadata'] = {};
    const meta = obj['metadata'] as JsonObject;
    if (name === '') causes.push({ reason: 'FieldValueRequired', message: 'required: name is required', field: 'metadata.name' });
    else if (name === '.' || name === '..') causes.push({ reason: 'FieldValueInvalid', message: `invalid value ${JSON.stringify(name)}: may not be '${name}'`, field: 'metadata.name' });
    for (const c of PATH_SEGMENT_FORBIDDEN) {
      if (name.includes(c)) causes.push({ reason: 'FieldValueInvalid', message: `invalid value ${JSON.stringify(name)}: may not contain '${c}'`, field: 'metadata.name' });
    }
    for (const field of ['labels', 'annotations']) {
      const map = meta[field];
      if (map === undefined || map === null) { delete meta[field]; continue; }
      if (!isJsonObject(map) || !Object.values(map).every((v) => typeof v === 'string')) {
        causes.push({ reason: 'FieldValueTypeInvalid', message: 'expected a map of strings to strings', field: `metadata.${field}` });
      }
    }
    let namespace: string | undefined;
    if (type.namespaced) {
      const ns = meta['namespace'];
      if (typeof ns !== 'string' || ns === '') causes.push({ reason: 'FieldValueRequired', message: 'required: a namespace is required', field: 'metadata.namespace' });
      else namespace = ns;
    } else {
      // The API server drops the namespace of cluster-scoped objects.
      delete meta['namespace'];
    }
    if (causes.length > 0) throw invalid(type, name, causes);
    return { type, obj, meta, name, namespace };
  }

  #admit(type: ResourceType, operation: 'CREATE' | 'UPDATE', object: StoredObject, old: StoredObject | undefined, opts: WriteOptions): void {
    const validator = this.#validators.get(resourceKey(type)) ?? this.#defaultValidator;
    if (validator === undefined) return;
    const result: AdmissionResult = validator({ operation, type, object, ...(old === undefined ? {} : { oldObject: old }) });
    const mode = opts.fieldValidation ?? 'Warn';
    if (result.unknownFields.length > 0 && mode === 'Strict') {
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    if (result.causes.length > 0) throw invalid(type, object.metadata.name, result.causes);
    if (opts.warnings !== undefined) {
      opts.warnings.push(...result.warnings);
      if (mode === 'Warn') opts.warnings.push(...result.unknownFields.map((f) => `unknown field "${f}"`));
    }
  }

  /** Makes `changes` durable as one log record, then applies and publishes them. */
  #commit(changes: readonly Change[]): ChangeEvent[] {
    const first = this.#rv + 1;
    const events: ChangeEvent[] = changes.map((c, i) => {
      const rv = first + i;
      const object = deepFreeze({ ...c.object, metadata: { ...c.object.metadata, resourceVersion: String(rv) } });
      const resource = resourceKey(c.type);
      if (c.op === 'delete') return { rv, resource, type: 'DELETED', object };
      return c.old === undefined ? { rv, resource, type: 'ADDED', object } : { rv, resource, type: 'MODIFIED', object, old: c.old };
    });
    const last = first + changes.length - 1;
    this.#persistence.commit({
      rv: last,
      ops: events.map((e) => ({ op: e.type === 'DELETED' ? 'delete' : 'put', resource: e.resource, object: e.object })),
    });
    for (const e of events) {
      if (e.type === 'DELETED') this.#bucket(e.resource).delete(objectKey(e.object.metadata.namespace, e.object.metadata.name));
      else this.#put(e.resource, e.object);
    }
    this.#rv = last;
    this.#persistence.compactIfDue(() => this.#snapshotData());
    this.#hub.publish(events);
    return events;
  }

  /** The current state by reference (objects are frozen): about a millisecond at 100k objects, so a write may take it. */
  #snapshotData(): SnapshotState {
    return { rv: this.#rv, resources: [...this.#objects].map(([resource, bucket]) => [resource, [...bucket.values()]] as const) };
  }
}
