// Which objects a list or watch returns: namespace scope, label selector and field
// selector (both in their string forms), compiled once per request into a predicate.
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import { matchesRequirements, parseSelectorString } from './parse-selector-string.ts';
import type { ResourceType } from './resource-registry.ts';
import type { StoredObject } from './store-object.ts';

export interface FilterOptions {
  /** Only objects of this namespace; absent = all namespaces (ignored for cluster-scoped resources). */
  readonly namespace?: string;
  /** String form, e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string;
  /** String form, e.g. `metadata.name=p`. */
  readonly fieldSelector?: string;
}

export type ObjectFilter = (object: StoredObject) => boolean;

/** Throws a BadRequest StoreError for a malformed selector or an unsupported field. */
export function compileFilter(type: ResourceType, opts: FilterOptions): ObjectFilter {
  const labels = parseSelectorString(opts.labelSelector ?? '');
  const fields = parseFieldSelector(opts.fieldSelector ?? '', type.selectableFields ?? []);
  const namespace = type.namespaced && opts.namespace !== undefined && opts.namespace !== '' ? opts.namespace : undefined;
  return (o) => (namespace === undefined || o.metadata.namespace === namespace)
    && matchesRequirements(labels, o.metadata.labels ?? {})
    && matchesFields(fields, o);
}
