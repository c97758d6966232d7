// What the API server does to every Namespace it stores (pkg/registry/core/namespace/
// strategy.go): the immutable label `kubernetes.io/metadata.name=<name>` (KEP-2161),
// spec.finalizers defaulted to ["kubernetes"] and status.phase to Active on create, and
// spec kept from the stored object on update (finalizers change only through finalize).
import { NAMESPACE_NAME_LABEL } from '../api/k8s/namespace.ts';
import type { JsonObject } from './json-value.ts';
import { isJsonObject } from './json-value.ts';
import type { StoredObject } from './store-object.ts';

/** Mutates `obj` (a private copy of the incoming object) in place. */
export function prepareNamespace(obj: JsonObject, old: StoredObject | undefined): void {
  const meta = obj['metadata'] as JsonObject;
  const labels = isJsonObject(meta['labels']) ? meta['labels'] : {};
  meta['labels'] = { ...labels, [NAMESPACE_NAME_LABEL]: meta['name'] };
  if (old === undefined) {
    const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
    obj['spec'] = { ...spec, finalizers: Array.isArray(spec['finalizers']) ? spec['finalizers'] : ['kubernetes'] };
    const status = isJsonObject(obj['status']) ? obj['status'] : {};
    obj['status'] = { ...status, phase: 'Active' };
  } else if (old.spec === undefined) {
    delete obj['spec'];
  } else {
    obj['spec'] = old.spec;
  }
}
