// `-o json|yaml|name` of `get` as kubectl prints them: one object as itself, several as a
// `kind: List`; JSON with 4-space indentation and sorted keys (kubectl prints unstructured
// maps, which Go marshals in key order), YAML with sorted keys and block sequences at the
// parent's indentation; names as `TYPE/NAME`. Pure.
import { stringify } from 'yaml';

export const OBJECT_FORMATS = ['json', 'yaml', 'name'] as const;
export type ObjectFormat = (typeof OBJECT_FORMATS)[number];

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A single object stays itself; anything else becomes a v1 List, as kubectl prints it. */
export function asOutputObject(objects: readonly unknown[], single: boolean): unknown {
  if (single && objects.length === 1) return objects[0];
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

export function renderYaml(value: unknown): string {
  return stringify(sortKeys(value), { indentSeq: false, lineWidth: 0 });
}

/** `pod/client`, `networkpolicy.networking.k8s.io/demo-policy`, one per line. */
export function renderNames(typeName: string, names: readonly string[]): string {
  return names.map((n) => `${typeName}/${n}\n`).join('');
}
