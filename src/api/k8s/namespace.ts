// v1 Namespace: a DNS-1123 label name and labels; the API server always sets
// `kubernetes.io/metadata.name` to the name (NamespaceDefaultLabelName), so we do too.
import type { Namespace } from '../../model/cluster.ts';
import type { KindHandler } from '../dialect.ts';
import type { Issues } from '../validation/issues.ts';
import { isDns1123Label } from '../validation/names.ts';
import type { JsonObject } from '../validation/shape.ts';
import { readObjectMeta } from './object-meta.ts';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function makeNamespace(name: string, labels: Readonly<Record<string, string>> = {}): Namespace {
  return { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } };
}

export const namespaceHandler: KindHandler = {
  apiVersion: 'v1',
  kind: 'Namespace',
  decode(obj: JsonObject, issues: Issues) {
    const meta = readObjectMeta(obj['metadata'], issues, { namespaced: false, nameRule: isDns1123Label });
    if (meta === undefined || issues.hasErrors) return { objects: [] };
    return { name: meta.name, objects: [{ type: 'namespace', namespace: makeNamespace(meta.name, meta.labels) }] };
  },
};
