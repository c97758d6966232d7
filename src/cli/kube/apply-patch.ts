// What `apply` sends for an object that exists: a JSON merge patch (RFC 7386) computed
// three ways, as kubectl's client-side apply does — fields of the new configuration that
// the live object lacks or holds differently are set; fields the last applied
// configuration had and the new one dropped are deleted (null); fields set by others
// (server defaults, `label`) are left alone. Pure.

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether `live` already says everything `wanted` says. Extra fields in `live` (what the
 * server defaulted, e.g. a port's protocol) do not count as a difference; lists must have
 * the same length and each item must be contained in the live one at its position.
 */
export function contains(live: unknown, wanted: unknown): boolean {
  if (isObject(wanted)) {
    if (!isObject(live)) return false;
    return Object.entries(wanted).every(([k, v]) => contains(live[k], v));
  }
  if (Array.isArray(wanted)) {
    return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => contains(live[i], w));
  }
  return live === wanted;
}

function diff(original: unknown, modified: Json, live: unknown): Json {
  const patch: Json = {};
  const liveObj = isObject(live) ? live : {};
  const origObj = isObject(original) ? original : {};
  for (const [k, want] of Object.entries(modified)) {
    const have = liveObj[k];
    if (isObject(want) && isObject(have)) {
      const sub = diff(origObj[k], want, have);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!contains(have, want)) {
      patch[k] = want;
    }
  }
  for (const k of Object.keys(origObj)) {
    if (!(k in modified) && k in liveObj) patch[k] = null;
  }
  return patch;
}

/** The configuration as recorded in the annotation: the object without that annotation. */
export function appliedConfiguration(config: Json): string {
  const copy = structuredClone(config);
  const meta = isObject(copy['metadata']) ? copy['metadata'] : undefined;
  const ann = meta !== undefined && isObject(meta['annotations']) ? meta['annotations'] : undefined;
  if (ann !== undefined) {
    delete ann[LAST_APPLIED];
    if (meta !== undefined && Object.keys(ann).length === 0) delete meta['annotations'];
  }
  return JSON.stringify(copy);
}

/** The object to create: the configuration with its own record in the annotation. */
export function withLastApplied(config: Json): Json {
  const recorded = appliedConfiguration(config);
  const copy = JSON.parse(recorded) as Json;
  const meta = isObject(copy['metadata']) ? copy['metadata'] : (copy['metadata'] = {}) as Json;
  const ann = isObject(meta['annotations']) ? meta['annotations'] : (meta['annotations'] = {}) as Json;
  ann[LAST_APPLIED] = `${recorded}\n`;
  return copy;
}

/** The merge patch that applies `config` over `live`; `{}` when nothing changes. */
export function applyPatch(config: Json, live: Json): Json {
  const meta = isObject(live['metadata']) ? live['metadata'] : {};
  const ann = isObject(meta['annotations']) ? meta['annotations'] : {};
  const recorded = ann[LAST_APPLIED];
  let original: unknown;
  if (typeof recorded === 'string') {
    try {
      original = JSON.parse(recorded);
    } catch {
      original = undefined;
    }
  }
  const modified = withLastApplied(config);
  return diff(original, modified, live);
}
