// The agent's copy of the cluster's objects, per resource, fed by an ObjectSource: a
// replace swaps a resource's whole list, events change one object. `version` counts the
// changes, so the agent knows whether anything happened since it last built the model;
// events are also listed one by one (pods, namespaces, everything else), for the agent's
// patch paths.
import type { SourceEvent, SourceObject } from '../sources/object-source.ts';
import { objectRef, sourceName } from './cluster-model.ts';

function objectKey(o: SourceObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** What changed since the last takeChanges(): object by object, or "all" after a list was replaced. */
export interface CacheChanges {
  /** A list was replaced (a relist: which objects changed is not known). */
  readonly all: boolean;
  /** `namespace/name` → the Pod object now (undefined: deleted). */
  readonly pods: ReadonlyMap<string, SourceObject | undefined>;
  /** Namespace name → the Namespace object now (undefined: deleted). */
  readonly namespaces: ReadonlyMap<string, SourceObject | undefined>;
  /** Every other object, by sourceName (cluster-model.ts) → the object now (undefined: deleted). */
  readonly others: ReadonlyMap<string, SourceObject | undefined>;
}

function isPod(o: SourceObject): boolean {
  return o.apiVersion === 'v1' && o.kind === 'Pod';
}

function isNamespace(o: SourceObject): boolean {
  return o.apiVersion === 'v1' && o.kind === 'Namespace';
}

export class ObjectCache {
  readonly #resources = new Map<string, Map<string, SourceObject>>();
  #version = 0;
  #all = true;
  #pods = new Map<string, SourceObject | undefined>();
  #namespaces = new Map<string, SourceObject | undefined>();
  #others = new Map<string, SourceObject | undefined>();

  /** The changes since the last call (the first call reports "all"). */
  takeChanges(): CacheChanges {
    const out = { all: this.#all, pods: this.#pods, namespaces: this.#namespaces, others: this.#others };
    this.#all = false;
    this.#pods = new Map();
    this.#namespaces = new Map();
    this.#others = new Map();
    return out;
  }

  get version(): number {
    return this.#version;
  }

  replace(resource: string, objects: readonly SourceObject[]): void {
    this.#resources.set(resource, new Map(objects.map((o) => [objectKey(o), o])));
    this.#version++;
    this.#all = true;
  }

  apply(ev: SourceEvent): void {
    let bucket = this.#resources.get(ev.resource);
    if (bucket === undefined) {
      bucket = new Map();
      this.#resources.set(ev.resource, bucket);
    }
    if (ev.type === 'DELETED') bucket.delete(objectKey(ev.object));
    else bucket.set(objectKey(ev.object), ev.object);
    this.#version++;
    if (isPod(ev.object)) this.#pods.set(objectKey(ev.object), ev.type === 'DELETED' ? undefined : ev.object);
    else if (isNamespace(ev.object)) this.#namespaces.set(ev.object.metadata.name, ev.type === 'DELETED' ? undefined : ev.object);
    else this.#others.set(sourceName(objectRef(ev.object)), ev.type === 'DELETED' ? undefined : ev.object);
  }

  /** Every object, resources in the order they first arrived (buildSnapshot sorts what it builds). */
  objects(): SourceObject[] {
    const out: SourceObject[] = [];
    for (const bucket of this.#resources.values()) for (const o of bucket.values()) out.push(o);
    return out;
  }

  get size(): number {
    let n = 0;
    for (const bucket of this.#resources.values()) n += bucket.size;
    return n;
  }
}
