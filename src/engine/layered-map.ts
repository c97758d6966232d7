// A persistent map: each version is an immutable ReadonlyMap, and a new version with a few
// keys changed costs the size of its change log, not of the map. recompile() keeps pod
// indexes (key → slot, address → slot) in these so that a one-pod change neither copies a
// 100,000-entry Map nor writes into the one the previous compile still reads. The log is
// folded into a fresh base once it outgrows a fraction of the base, so lookups stay two
// Map reads and the folding cost is spread over many versions.

const DELETED: unique symbol = Symbol('deleted');
type Slot<V> = V | typeof DELETED;

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;
  readonly #base: ReadonlyMap<K, V>;
  readonly #log: ReadonlyMap<K, Slot<V>>;

  private constructor(base: ReadonlyMap<K, V>, log: ReadonlyMap<K, Slot<V>>, size: number) {
    this.#base = base;
    this.#log = log;
    this.size = size;
  }

  /** A version holding `map` (which must not be changed afterwards). */
  static of<K, V>(map: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return map instanceof LayeredMap ? (map as LayeredMap<K, V>) : new LayeredMap(map, new Map(), map.size);
  }

  get(key: K): V | undefined {
    if (this.#log.size > 0) {
      const v = this.#log.get(key);
      if (v !== undefined) return v === DELETED ? undefined : v;
    }
    return this.#base.get(key);
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** A new version with `changes` applied in order (undefined deletes); this one is unchanged. */
  with(changes: Iterable<readonly [K, V | undefined]>): LayeredMap<K, V> {
    const log = new Map(this.#log);
    let size = this.size;
    for (const [key, value] of changes) {
      const logged = log.get(key);
      const had = logged === undefined ? this.#base.has(key) : logged !== DELETED;
      if (value === undefined) {
        if (!had) continue;
        size--;
        if (this.#base.has(key)) log.set(key, DELETED);
        else log.delete(key);
      } else {
        if (!had) size++;
        log.set(key, value);
      }
    }
    if (log.size <= 64 + (this.#base.size >>> 5)) return new LayeredMap(this.#base, log, size);
    const folded = new Map(this.#base);
    for (const [key, value] of log) {
      if (value === DELETED) folded.delete(key);
      else folded.set(key, value);
    }
    return new LayeredMap(folded, new Map(), size);
  }

  *entries(): MapIterator<[K, V]> {
    const log = this.#log;
    for (const [key, value] of this.#base) if (!log.has(key)) yield [key, value];
    for (const [key, value] of log) if (value !== DELETED) yield [key, value];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) f(value, key, this);
  }
}
