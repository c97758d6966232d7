// Strategic merge patch, what kubectl label/annotate/apply/edit send
// (`application/strategic-merge-patch+json`; the algorithm of
// k8s.io/apimachinery/pkg/util/strategicpatch/patch.go, directives of
// community/contributors/devel/sig-api-machinery/strategic-merge-patch.md): maps merge,
// null deletes, lists merge by their patch merge key where the type says so (else
// replace), with the directives `$patch: replace|delete|merge`, `$retainKeys`,
// `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
import { PatchError } from './patch-error.ts';
import type { PatchMeta } from './patch-meta.ts';

type JsonMap = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function withoutDirective(m: JsonMap): JsonMap {
  const { [PATCH]: _p, ...rest } = m;
  return rest;
}

/** Returns the patched copy of `original`; throws PatchError for a malformed patch. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (!isMap(patch)) throw new PatchError('malformed', 'a strategic merge patch must be a JSON object');
  const out = mergeMap(isMap(original) ? structuredClone(original) : {}, patch, meta);
  return out ?? {};
}

/** Merges `patch` into `original` (owned, changed in place); undefined when the map is deleted. */
function mergeMap(original: JsonMap, patch: JsonMap, meta: PatchMeta | undefined): JsonMap | undefined {
  const directive = patch[PATCH];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(withoutDirective(patch)) as JsonMap;
  if (directive !== undefined && directive !== 'merge') throw new PatchError('malformed', `unknown patch directive ${JSON.stringify(directive)}`);
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError('malformed', `${RETAIN_KEYS} must be a list of field names`);
    for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
  }
  const orders: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS) continue;
    if (key.startsWith(SET_ELEMENT_ORDER)) { orders.push([key.slice(SET_ELEMENT_ORDER.length), value]); continue; }
    if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE.length);
      const current = original[field];
      if (!Array.isArray(value)) throw new PatchError('malformed', `${key} must be a list`);
      if (Array.isArray(current)) original[field] = current.filter((v) => !value.some((d) => sameScalar(d, v)));
      continue;
    }
    const fieldMeta = meta?.fields?.[key];
    if (value === null) { delete original[key]; continue; }
    const current = original[key];
    if (isMap(value)) {
      if (value[PATCH] === 'delete') { delete original[key]; continue; }
      const merged = mergeMap(isMap(current) ? current : {}, value, fieldMeta);
      if (merged === undefined) delete original[key];
      else original[key] = merged;
    } else if (Array.isArray(value)) {
      original[key] = mergeList(Array.isArray(current) ? current : [], value, fieldMeta);
    } else {
      original[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const list = original[field];
    if (Array.isArray(list) && Array.isArray(order)) original[field] = applyOrder(list, order, meta?.fields?.[field]?.mergeKey);
  }
  return original;
}

function mergeList(original: unknown[], patch: unknown[], meta: PatchMeta | undefined): unknown[] {
  if (patch.some((item) => isMap(item) && item[PATCH] === 'replace')) {
    return patch.filter((item) => !(isMap(item) && item[PATCH] === 'replace')).map(stripDirectives);
  }
  if (meta?.strategy !== 'merge') return patch.map(stripDirectives);
  const key = meta.mergeKey;
  if (key === undefined) {
    // A merged list of scalars is a set union (e.g. finalizers).
    const out = [...original];
    for (const v of patch) if (!out.some((o) => sameScalar(o, v))) out.push(v);
    return out;
  }
  const out = [...original];
  for (const item of patch) {
    if (!isMap(item)) throw new PatchError('malformed', `a list merged by "${key}" must hold objects`);
    if (!Object.hasOwn(item, key)) throw new PatchError('malformed', `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const index = out.findIndex((o) => isMap(o) && sameScalar(o[key], item[key]));
    if (item[PATCH] === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index < 0) {
      out.push(stripDirectives(withoutDirective(item)));
      continue;
    }
    const merged = mergeMap(structuredClone(out[index]) as JsonMap, item, meta.items);
    if (merged === undefined) out.splice(index, 1);
    else out[index] = merged;
  }
  return out;
}

/** Orders `list` as `order` says (by merge key or value); items not named keep their relative order after. */
function applyOrder(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (v: unknown): unknown => (mergeKey !== undefined && isMap(v) ? v[mergeKey] : v);
  const rank = (v: unknown): number => {
    const k = keyOf(v);
    const i = order.findIndex((o) => sameScalar(mergeKey !== undefined && isMap(o) ? o[mergeKey] : o, k));
    return i < 0 ? order.length : i;
  };
  return list.map((v, i) => ({ v, i, r: rank(v) })).sort((a, b) => a.r - b.r || a.i - b.i).map((e) => e.v);
}

/** Directives in a value that is stored as is (a new list item, a replaced map). */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE)) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}
