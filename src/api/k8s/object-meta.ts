// metadata of a Kubernetes object, checked as ValidateObjectMeta does
// (pkg/apis/core/validation + apimachinery/pkg/api/validation/objectmeta.go): a name
// valid for the kind, a DNS-1123 label namespace for namespaced kinds, valid labels and
// annotation keys. Unknown metadata fields are errors (strict field validation).
import { childPath } from '../validation/field-path.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Label, isQualifiedName } from '../validation/names.ts';
import { readObject, readString, readStringMap } from '../validation/shape.ts';
import { readLabels } from './labels.ts';

export const OBJECT_META_FIELDS: readonly string[] = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels',
  'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];

export const DEFAULT_NAMESPACE = 'default';

export interface ObjectMeta {
  readonly name: string;
  /** Defaulted to `default` for namespaced kinds; undefined for cluster-scoped ones. */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ObjectMetaOptions {
  readonly namespaced: boolean;
  /** Name rule of the kind (e.g. isDns1123Subdomain); returns what is wrong. */
  readonly nameRule: (name: string) => string[];
}

/** Reads `metadata`; returns undefined when the object cannot be named (name missing or invalid). */
export function readObjectMeta(value: unknown, issues: Issues, opts: ObjectMetaOptions): ObjectMeta | undefined {
  const path = 'metadata';
  const meta = readObject(value, path, issues, OBJECT_META_FIELDS);
  if (meta === undefined) {
    if (value === undefined || value === null) issues.required(path, 'metadata with a name is required');
    return undefined;
  }
  const namePath = childPath(path, 'name');
  const name = readString(meta['name'], namePath, issues);
  let nameOk = name !== undefined && name !== '';
  if (name === undefined || name === '') {
    if (meta['name'] === undefined || meta['name'] === null || name === '') {
      issues.required(namePath, meta['generateName'] !== undefined
        ? 'name is required (generateName cannot be resolved offline)'
        : 'name or generateName is required');
    }
  } else {
    for (const m of opts.nameRule(name)) { issues.invalid(namePath, name, m); nameOk = false; }
  }

  const nsPath = childPath(path, 'namespace');
  const rawNs = readString(meta['namespace'], nsPath, issues);
  let namespace: string | undefined;
  if (opts.namespaced) {
    namespace = rawNs === undefined || rawNs === '' ? DEFAULT_NAMESPACE : rawNs;
    for (const m of isDns1123Label(namespace)) { issues.invalid(nsPath, namespace, m); nameOk = false; }
  } else if (rawNs !== undefined && rawNs !== '') {
    // kubectl drops the namespace of cluster-scoped objects; say so instead of failing.
    issues.warn(nsPath, `ignored: this kind is not namespaced (got ${JSON.stringify(rawNs)})`);
  }

  const labels = readLabels(meta['labels'], childPath(path, 'labels'), issues) ?? {};
  const annPath = childPath(path, 'annotations');
  const annotations = readStringMap(meta['annotations'], annPath, issues) ?? {};
  for (const key of Object.keys(annotations)) {
    for (const m of isQualifiedName(key.toLowerCase())) issues.invalid(childPath(annPath, key), key, `annotation key ${m}`);
  }
  if (!nameOk || name === undefined) return undefined;
  return namespace === undefined ? { name, labels, annotations } : { name, namespace, labels, annotations };
}

/** What problems call the object: `ns/name`, `name`, or undefined when it has none. */
export function rawObjectName(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta = (obj as Record<string, unknown>)['metadata'];
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { name, namespace } = meta as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return undefined;
  return typeof namespace === 'string' && namespace !== '' ? `${namespace}/${name}` : name;
}
