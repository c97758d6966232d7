// A line map (field path -> line) computed on first use. Reading line numbers costs
// about as much as reading the values, and only documents with a problem need them, so
// parse-text.ts hands each document one of these instead of a filled Map.

export class LazyLines implements ReadonlyMap<string, number> {
  #read: (() => ReadonlyMap<string, number>) | undefined;
  #lines: ReadonlyMap<string, number> | undefined;

  constructor(read: () => ReadonlyMap<string, number>) {
    this.#read = read;
  }

  #map(): ReadonlyMap<string, number> {
    if (this.#lines === undefined) {
      this.#lines = this.#read?.() ?? new Map<string, number>();
      this.#read = undefined; // drop what the reader holds on to
    }
    return this.#lines;
  }

  get size(): number {
    return this.#map().size;
  }

  get(path: string): number | undefined {
    return this.#map().get(path);
  }

  has(path: string): boolean {
    return this.#map().has(path);
  }

  forEach(callback: (line: number, path: string, map: ReadonlyMap<string, number>) => void, thisArg?: unknown): void {
    this.#map().forEach((line, path) => callback.call(thisArg, line, path, this));
  }

  entries(): MapIterator<[string, number]> {
    return this.#map().entries();
  }

  keys(): MapIterator<string> {
    return this.#map().keys();
  }

  values(): MapIterator<number> {
    return this.#map().values();
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.#map()[Symbol.iterator]();
  }
}

/** The lines below `prefix` (a field path) in `lines`, with paths made relative to it. */
export function linesBelow(lines: ReadonlyMap<string, number>, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [path, line] of lines) {
    if (!path.startsWith(prefix) || path.length === prefix.length) continue;
    const next = path.charAt(prefix.length);
    if (next === '.') out.set(path.slice(prefix.length + 1), line);
    else if (next === '[') out.set(path.slice(prefix.length), line);
  }
  return out;
}
