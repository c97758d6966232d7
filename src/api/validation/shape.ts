// Reading untyped JSON with shape checks: each reader returns the typed value or
// undefined, recording an issue at the field's path when the shape is wrong. `null`
// counts as absent, as it does for the API server's JSON decoding of optional fields.
import { childPath, indexPath } from './field-path.ts';
import type { Issues } from './issues.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object at `path`, or undefined (absent or wrong type). With `known`, fields not in
 * it are reported as unknown (strict field validation, as `kubectl apply --validate=strict`).
 */
export function readObject(value: unknown, path: string, issues: Issues, known?: readonly string[]): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    issues.wrongType(path, 'an object', value);
    return undefined;
  }
  if (known !== undefined) {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) issues.unknownField(childPath(path, key));
    }
  }
  return value;
}

export function readArray(value: unknown, path: string, issues: Issues): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.wrongType(path, 'a list', value);
    return undefined;
  }
  return value;
}

export function readString(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.wrongType(path, 'a string', value);
    return undefined;
  }
  return value;
}

export function readBoolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    issues.wrongType(path, 'a boolean', value);
    return undefined;
  }
  return value;
}

/** A 32-bit integer (Kubernetes int32 fields). */
export function readInt(value: unknown, path: string, issues: Issues): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.wrongType(path, 'an integer', value);
    return undefined;
  }
  if (value < -(2 ** 31) || value >= 2 ** 31) {
    issues.invalid(path, value, 'must fit in a 32-bit integer');
    return undefined;
  }
  return value;
}

/** Kubernetes IntOrString: an int32 or a string. */
export function readIntOrString(value: unknown, path: string, issues: Issues): number | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return readInt(value, path, issues);
  issues.wrongType(path, 'an integer or a string', value);
  return undefined;
}

/** A list of strings; wrong entries are reported and dropped. */
export function readStringList(value: unknown, path: string, issues: Issues): string[] | undefined {
  const list = readArray(value, path, issues);
  if (list === undefined) return undefined;
  const out: string[] = [];
  list.forEach((item, i) => {
    const s = readString(item, indexPath(path, i), issues);
    if (s !== undefined) out.push(s);
    else if (item === null || item === undefined) issues.wrongType(indexPath(path, i), 'a string', item);
  });
  return out;
}

/** A map of strings to strings (labels, annotations, selectors). */
export function readStringMap(value: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  const obj = readObject(value, path, issues);
  if (obj === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out[k] = v;
    else issues.wrongType(childPath(path, k), 'a string', v);
  }
  return out;
}
