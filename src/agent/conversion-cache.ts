// Converting an API object to the model is the expensive, per-object part of building a
// snapshot; an object with the same uid and resourceVersion converts to the same result,
// so results (and the validation issues found on the way) are kept per (kind, uid,
// resourceVersion) and only changed objects are converted again. buildSnapshot runs
// through handlers wrapped by this cache, so assembly (namespaces, pod IPs, duplicates)
// stays exactly the api layer's. Entries not used by the latest build are dropped.
import type { DecodeResult, KindHandler } from '../api/dialect.ts';
import type { HandlerTable } from '../api/handlers.ts';
import type { Issue } from '../api/validation/issues.ts';
import { Issues } from '../api/validation/issues.ts';
import type { JsonObject } from '../api/validation/shape.ts';

interface Entry {
  readonly result: DecodeResult;
  readonly issues: readonly Issue[];
  used: number;
}

function cacheKey(handler: KindHandler, object: JsonObject): string | undefined {
  const meta = object['metadata'];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined;
  const { uid, resourceVersion } = meta as Record<string, unknown>;
  if (typeof uid !== 'string' || uid === '' || typeof resourceVersion !== 'string' || resourceVersion === '') return undefined;
  return `${handler.apiVersion}/${handler.kind}/${uid}/${resourceVersion}`;
}

export class ConversionCache {
  readonly #entries = new Map<string, Entry>();
  #generation = 0;
  hits = 0;
  misses = 0;

  /** `base` with every handler going through the cache. */
  wrap(base: HandlerTable): HandlerTable {
    const out = new Map<string, KindHandler>();
    for (const [k, h] of base) out.set(k, this.#wrapOne(h));
    return out;
  }

  /** Starts a build: entries not used until the next sweep() are dropped then. */
  begin(): void {
    this.#generation++;
  }

  sweep(): void {
    for (const [k, e] of this.#entries) if (e.used !== this.#generation) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }

  #wrapOne(handler: KindHandler): KindHandler {
    return {
      apiVersion: handler.apiVersion,
      kind: handler.kind,
      decode: (object, issues) => {
        const key = cacheKey(handler, object);
        const hit = key === undefined ? undefined : this.#entries.get(key);
        if (hit !== undefined) {
          this.hits++;
          hit.used = this.#generation;
          issues.list.push(...hit.issues);
          return hit.result;
        }
        this.misses++;
        const own = new Issues();
        const result = handler.decode(object, own);
        issues.list.push(...own.list);
        if (key !== undefined) this.#entries.set(key, { result, issues: own.list, used: this.#generation });
        return result;
      },
    };
  }
}
